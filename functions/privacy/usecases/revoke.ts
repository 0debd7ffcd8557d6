/**
 * Revocation (seed §2.7, §2.11), immediate: the registry entry is written (permanent; a second
 * revocation of the same thing keeps the first), then the invalidation pipeline cancels every
 * affected open session and aborts its job `revoked_session`, which stops the container (the
 * jobs context's abort; the deletion attestation records the reason). A revoked provider is
 * recorded for placement (the providers context reads it through index.ts) and its open
 * sessions (indexed by provider when opened) are cancelled like the others.
 */
import type { Principal } from '../../platform/auth/principal.ts';
import type { Revocation, RevocationKind } from '../domain/revocation.ts';
import type { Session } from '../domain/session.ts';
import { putRevocation } from '../store/revocations.ts';
import { getSession, sessionsOfHash, sessionsOfProvider } from '../store/sessions.ts';
import type { PrivacyDeps } from '../deps.ts';
import { cancelAndAbort } from './revoked.ts';

export interface RevokeInput {
  kind: RevocationKind;
  value: string;
  reason: string;
}

export async function revoke(
  d: PrivacyDeps,
  by: string,
  input: RevokeInput,
): Promise<{ revocation: Revocation; created: boolean; cancelledSessions: string[]; abortedJobs: string[] }> {
  const { created, revocation } = await putRevocation(d.revocations, { ...input, revokedAtMs: d.rt.clock.nowMs(), by });
  const affected = await affectedSessions(d, input.kind, input.value);
  const cancelledSessions: string[] = [];
  const abortedJobs: string[] = [];
  for (const s of affected) {
    if (await cancelAndAbort(d, s, `revoked ${input.kind}`)) cancelledSessions.push(s.sessionId);
    abortedJobs.push(s.jobId);
  }
  return { revocation, created, cancelledSessions, abortedJobs };
}

async function affectedSessions(d: PrivacyDeps, kind: RevocationKind, value: string): Promise<Session[]> {
  if (kind === 'session') {
    const s = await getSession(d.sessions, value);
    return s && s.state === 'open' ? [s] : [];
  }
  if (kind === 'attestation_hash') return (await sessionsOfHash(d.sessions, value)).filter((s) => s.state === 'open');
  return (await sessionsOfProvider(d.sessions, value)).filter((s) => s.state === 'open');
}

/** Principal-facing wrapper: who revoked is the admin's id. */
export const revokeAs = (d: PrivacyDeps, p: Principal, input: RevokeInput) => revoke(d, p.id, input);
