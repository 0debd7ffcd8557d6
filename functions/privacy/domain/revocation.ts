/**
 * The revocation registry's entries (seed §2.7): an attestation hash (a TCB or measurement
 * found bad), a session, or a provider. Revoking is immediate and permanent; a revoked hash
 * opens no session, a revoked session releases no key, a revoked provider gets no new jobs.
 */
export const REVOCATION_KINDS = ['attestation_hash', 'session', 'provider'] as const;
export type RevocationKind = (typeof REVOCATION_KINDS)[number];

export interface Revocation {
  kind: RevocationKind;
  value: string;
  reason: string;
  revokedAtMs: number;
  /** Who revoked: a principal id, or `feed` for the polled feed. */
  by: string;
}
