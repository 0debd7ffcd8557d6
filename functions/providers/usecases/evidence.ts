/**
 * A provider proves its hardware (domain/evidence.ts): POST …/evidence/nonce opens a single-use
 * nonce; POST …/evidence sends evidence per kind made over the challenge of its own id and that
 * nonce. Every kind sent is verified by the exchange's attesters (pinned roots, the policy's
 * secure defaults); if every one passes, each is recorded with the digest of its claims and the
 * nonce is consumed in the same write. One refusal → 422 with each kind's failure code, nothing
 * written (the nonce stays open until it expires). Only the provider itself (another id: 404).
 */
import { randomBytes } from 'node:crypto';
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { notFound } from '../../platform/errors.ts';
import { attestationHashOf, flattenClaims, type AttesterKey, type WireEvidence } from '../../privacy/index.ts';
import { providersError } from '../errors.ts';
import type { ProvidersDeps } from '../deps.ts';
import { EVIDENCE_NONCE_TTL_MS, isHardwareKind, type Proven } from '../domain/evidence.ts';
import { getProvider } from '../store/reads.ts';
import { openEvidenceNonce, recordProofs } from '../store/writes.ts';

export async function evidenceNonce(d: ProvidersDeps, who: Principal, providerId: string) {
  if (who.id !== providerId) throw notFound('provider');
  const now = d.rt.clock.nowMs();
  const nonce = randomBytes(32).toString('hex');
  const expiresAtMs = now + EVIDENCE_NONCE_TTL_MS;
  if (!(await openEvidenceNonce(d.store, providerId, nonce, expiresAtMs))) {
    const p = await getProvider(d.store, providerId);
    if (!p) throw notFound('provider');
    throw providersError('node_not_verified', 'verify the node key first (POST /v1/join/verify)');
  }
  return { providerId, nonce, expiresAt: isoAt(expiresAtMs) };
}

export async function proveEvidence(d: ProvidersDeps, who: Principal, providerId: string, req: { nonce: string; evidence: WireEvidence }) {
  if (who.id !== providerId) throw notFound('provider');
  const now = d.rt.clock.nowMs();
  const p = await getProvider(d.store, providerId);
  if (!p) throw notFound('provider');
  if (!p.evidenceNonce || p.evidenceNonce !== req.nonce || (p.evidenceNonceExpiresAtMs ?? 0) <= now)
    throw providersError('evidence_nonce_invalid', 'no open evidence nonce matches (ask for one: POST …/evidence/nonce; it is single-use and expires)', {
      issues: [{ path: 'body.nonce', message: 'not the open nonce' }],
    });
  const kinds = Object.keys(req.evidence) as AttesterKey[];
  const notHardware = kinds.filter((k) => !isHardwareKind(k));
  if (notHardware.length > 0)
    throw providersError(
      'evidence_refused',
      `only hardware evidence is proven here (snp, tdx, nvidia); ${notHardware.join(', ')} proves nothing about hardware`,
      {
        issues: notHardware.map((k) => ({ path: `body.evidence.${k}`, message: 'not hardware evidence' })),
      },
    );
  const nonce = Buffer.from(req.nonce, 'hex');
  const attesters = d.attesters;
  if (!attesters) throw new Error('this providers composition judges no evidence: compose it with the attesters (providersContext does)');
  const results = kinds.map((kind) => ({ kind, verdict: attesters.verdict(kind, req.evidence, providerId, nonce) }));
  const refused = results.filter((r) => !r.verdict.valid);
  if (refused.length > 0)
    throw providersError('evidence_refused', `the verifiers refused the ${refused.map((r) => r.kind).join(', ')} evidence`, {
      refused: Object.fromEntries(refused.map((r) => [r.kind, r.verdict.valid ? null : { code: r.verdict.code, error: r.verdict.error }])),
    });
  const proven: Proven = { ...(p.proven ?? {}) };
  for (const r of results) {
    if (!r.verdict.valid || !isHardwareKind(r.kind)) continue;
    proven[r.kind] = { at: isoAt(now), atMs: now, claimsDigest: attestationHashOf(flattenClaims([{ attester: r.kind, claims: r.verdict.claims }])) };
  }
  if (!(await recordProofs(d.store, providerId, { nonce: req.nonce, nowMs: now, proven: JSON.stringify(proven) })))
    throw providersError('evidence_nonce_invalid', 'the nonce was used or expired meanwhile');
  return { providerId, proven };
}
