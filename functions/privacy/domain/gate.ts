/**
 * The privacy gate's decision (seed §2.4), pure: every required attester must have given
 * evidence and have accepted it; development evidence only where the stage allows it; the
 * resulting attestation hash must not be revoked. Returns facts, like the market's planners:
 * the first refusal in the order listed (`evidence_missing`, `development_refused`,
 * `attester_refused`) for the first attester (in name order) that hits it. Whether the
 * resulting hash is revoked is the registry's answer (usecases/handshake.ts).
 */
import type { Verdict } from '../attesters/domain/result.ts';
import { attestationHashOf, flattenClaims, type FlatClaims } from './claims.ts';

export type GateRefusal =
  | { ok: false; reason: 'evidence_missing'; attester: string }
  | { ok: false; reason: 'development_refused'; attester: string }
  | { ok: false; reason: 'attester_refused'; attester: string; code: string; error: string };

export type GateResult = { ok: true; claims: FlatClaims; attestationHash: string } | GateRefusal;

export interface GateInput {
  required: readonly string[];
  /** The verdict of each attester that was given evidence. */
  verdicts: ReadonlyMap<string, Verdict>;
  developmentAllowed: boolean;
}

export function decideGate(g: GateInput): GateResult {
  const required = [...new Set(g.required)].sort();
  for (const a of required) if (!g.verdicts.has(a)) return { ok: false, reason: 'evidence_missing', attester: a };
  if (!g.developmentAllowed && required.includes('development')) return { ok: false, reason: 'development_refused', attester: 'development' };
  const verified: { attester: string; claims: Record<string, unknown> }[] = [];
  for (const a of required) {
    const v = g.verdicts.get(a)!;
    if (!v.valid) return { ok: false, reason: 'attester_refused', attester: a, code: v.code, error: v.error };
    verified.push({ attester: a, claims: v.claims });
  }
  const claims = flattenClaims(verified);
  return { ok: true, claims, attestationHash: attestationHashOf(claims) };
}
