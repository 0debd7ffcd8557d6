/** The sidecar's acknowledgement of a rotation (seed §7.7): a released step, once, in order, with its certificate's fingerprint. */
import type { Job } from '../../jobs/index.ts';
import { ackRefusal } from '../domain/session.ts';
import { privacyError } from '../errors.ts';
import { getSession, recordAck } from '../store/sessions.ts';
import type { PrivacyDeps } from '../deps.ts';
import { liveSession } from './revoked.ts';

export async function acknowledgeRotation(d: PrivacyDeps, job: Job, input: { step: number; certificateFingerprint: string }) {
  const session = await liveSession(d, job);
  if (session.issuedFingerprint && input.certificateFingerprint !== session.issuedFingerprint)
    throw privacyError('certificate_mismatch', 'the acknowledged certificate is not the job certificate the handshake issued', {
      expected: session.issuedFingerprint,
    });
  const refusal = ackRefusal(session, input.step);
  if (refusal)
    throw privacyError(refusal, `step ${input.step} cannot be acknowledged: ${refusal}`, { lastStep: session.lastStep, ackedStep: session.ackedStep ?? null });
  if (!(await recordAck(d.sessions, session.sessionId, input.step, input.certificateFingerprint))) {
    const now = await getSession(d.sessions, session.sessionId);
    const again = (now && ackRefusal(now, input.step)) ?? 'step_already_acknowledged';
    throw privacyError(again, `step ${input.step} cannot be acknowledged: ${again}`);
  }
  return { sessionId: session.sessionId, acknowledged: input.step };
}
