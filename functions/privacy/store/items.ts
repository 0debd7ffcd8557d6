/** Item shapes of the sessions and revocations tables (functions/definitions/tables.ts). */
import { big } from '../../platform/dynamo/client.ts';
import type { RevocationKind, Revocation } from '../domain/revocation.ts';
import type { Release, Session } from '../domain/session.ts';

export const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' });
/** One session per job: the guard item a handshake creates with its session. */
export const jobSessionKey = (jobId: string) => ({ pk: `JOBSESSION#${jobId}`, sk: 'JOBSESSION' });
export const releaseKey = (jobId: string, step: number) => ({ pk: `RELEASE#${jobId}`, sk: `STEP#${String(step).padStart(10, '0')}` });
/** The index of a provider's sessions (written with the session, read consistently when the provider is revoked). */
export const providerSessionKey = (providerId: string, sessionId: string) => ({ pk: `PROVSESSION#${providerId}`, sk: `SESSION#${sessionId}` });
export const nonceKey = (nonceHex: string) => ({ pk: `NONCE#${nonceHex}`, sk: 'NONCE' });
/** The verified claims of a job's handshake (shown to its owner), kept apart from the session's counters. */
export const claimsKey = (jobId: string) => ({ pk: `CLAIMS#${jobId}`, sk: 'CLAIMS' });
export const revocationKey = (kind: RevocationKind, value: string) => ({ pk: `REVOKED#${kind}#${value}`, sk: 'REVOKED' });

const num = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : Number(big(v)));

export function sessionToItem(s: Session): Record<string, unknown> {
  return {
    ...sessionKey(s.sessionId),
    sessionId: s.sessionId,
    jobId: s.jobId,
    attestationHash: s.attestationHash,
    saltHex: s.saltHex,
    tokenHash: s.tokenHash,
    broker: s.broker,
    attesters: s.attesters,
    lastStep: s.lastStep,
    state: s.state,
    openedAtMs: s.openedAtMs,
    ...(s.providerId ? { providerId: s.providerId } : {}),
    ...(s.issuedFingerprint ? { issuedFingerprint: s.issuedFingerprint } : {}),
    gsi1pk: `JOB#${s.jobId}`,
    gsi1sk: `SESSION#${s.sessionId}`,
    gsi2pk: `HASH#${s.attestationHash}`,
    gsi2sk: `SESSION#${s.sessionId}`,
  };
}

export function itemToSession(i: Record<string, unknown>): Session {
  const s: Session = {
    sessionId: String(i.sessionId),
    jobId: String(i.jobId),
    attestationHash: String(i.attestationHash),
    saltHex: String(i.saltHex),
    tokenHash: String(i.tokenHash),
    broker: String(i.broker),
    attesters: (i.attesters as string[]) ?? [],
    lastStep: num(i.lastStep)!,
    state: i.state as Session['state'],
    openedAtMs: num(i.openedAtMs)!,
  };
  const acked = num(i.ackedStep);
  if (acked !== undefined) s.ackedStep = acked;
  if (typeof i.certificateFingerprint === 'string') s.certificateFingerprint = i.certificateFingerprint;
  if (typeof i.providerId === 'string') s.providerId = i.providerId;
  if (typeof i.issuedFingerprint === 'string') s.issuedFingerprint = i.issuedFingerprint;
  if (typeof i.cancelReason === 'string') s.cancelReason = i.cancelReason;
  const ended = num(i.endedAtMs);
  if (ended !== undefined) s.endedAtMs = ended;
  return s;
}

export const releaseToItem = (r: Release): Record<string, unknown> => ({
  ...releaseKey(r.jobId, r.step),
  jobId: r.jobId,
  sessionId: r.sessionId,
  step: r.step,
  attestationHash: r.attestationHash,
  broker: r.broker,
  atMs: r.atMs,
});

export const itemToRelease = (i: Record<string, unknown>): Release => ({
  jobId: String(i.jobId),
  sessionId: String(i.sessionId),
  step: num(i.step)!,
  attestationHash: String(i.attestationHash),
  broker: String(i.broker),
  atMs: num(i.atMs)!,
});

export const revocationToItem = (r: Revocation): Record<string, unknown> => ({
  ...revocationKey(r.kind, r.value),
  kind: r.kind,
  value: r.value,
  reason: r.reason,
  revokedAtMs: r.revokedAtMs,
  by: r.by,
  gsi1pk: 'REVOCATIONS',
  gsi1sk: `${String(r.revokedAtMs).padStart(15, '0')}#${r.kind}#${r.value}`,
});

export const itemToRevocation = (i: Record<string, unknown>): Revocation => ({
  kind: i.kind as RevocationKind,
  value: String(i.value),
  reason: String(i.reason),
  revokedAtMs: num(i.revokedAtMs)!,
  by: String(i.by),
});
