/**
 * Revocation as the key routes see it, checked on every request from the registry itself
 * (the invalidation pipeline cancels sessions at once, but a key route never trusts that it
 * ran): a revoked session or attestation hash cancels the session and aborts the job.
 */
import { abortRevoked, type Job } from '../../jobs/index.ts';
import type { Session } from '../domain/session.ts';
import { privacyError } from '../errors.ts';
import { endSession, sessionOfJob } from '../store/sessions.ts';
import { revokedAmong } from '../store/revocations.ts';
import type { PrivacyDeps } from '../deps.ts';
import { countPrivacy } from './metrics.ts';

/** The job's open session, or the refusal (409) when it has none, is not open, or is revoked. */
export async function liveSession(d: PrivacyDeps, job: Job): Promise<Session> {
  const session = await sessionOfJob(d.sessions, job.jobId);
  if (!session) throw privacyError('no_session', `job ${job.jobId} has no key-release session (handshake first)`);
  const revoked = await revokedAmong(d.revocations, [
    { kind: 'session', value: session.sessionId },
    { kind: 'attestation_hash', value: session.attestationHash },
    ...(session.providerId ? [{ kind: 'provider' as const, value: session.providerId }] : []),
  ]);
  if (revoked.length > 0) {
    await cancelAndAbort(d, session, `revoked ${revoked[0]!.kind}`);
    throw privacyError('session_not_open', `session ${session.sessionId} is revoked`, { state: 'cancelled', revoked: revoked[0]!.kind });
  }
  if (session.state !== 'open') throw privacyError('session_not_open', `session ${session.sessionId} is ${session.state}`, { state: session.state });
  return session;
}

/** Cancels the session (if open) and aborts its job `revoked_session`, stopping the container. */
export async function cancelAndAbort(d: PrivacyDeps, session: Session, reason: string): Promise<boolean> {
  const cancelled = await endSession(d.sessions, session.sessionId, 'cancelled', reason, d.rt.clock.nowMs());
  if (cancelled) countPrivacy('sessionsCancelled');
  await abortRevoked(d.jobs, session.jobId);
  return cancelled;
}

/** Whether the registry holds this revocation (for placement: a revoked provider gets no new jobs). */
export async function isRevoked(d: PrivacyDeps, kind: 'attestation_hash' | 'session' | 'provider', value: string): Promise<boolean> {
  return (await revokedAmong(d.revocations, [{ kind, value }])).length > 0;
}
