/**
 * Join tokens: what an operator lets one machine join as. The secret is random, shown once,
 * and only its SHA-256 is kept; the policy bounds what the joining node may declare.
 */
export interface JoinPolicy {
  /** GPU models the node may declare (empty: any). */
  gpuModels: readonly string[];
  /** Regions the node may declare (empty: any). */
  regions: readonly string[];
  /** Most GPUs (or MIG units) the node may offer. */
  maxUnits: number;
}

export type JoinTokenStatus = 'ISSUED' | 'REDEEMED';

export interface JoinToken {
  tokenId: string;
  policy: JoinPolicy;
  /** A free-text scope (for example the operator's fleet or site); recorded on the provider. */
  scope: string;
  /** The ledger account the provider's earnings are swept to, if the operator names one. */
  treasuryAccount: string | null;
  status: JoinTokenStatus;
  createdAt: string;
  expiresAtMs: number;
  issuedBy: string;
}

/** What a joining node declares about itself. */
export interface JoinClaim {
  gpuModel: string;
  region: string;
  units: number;
}

export type ScopeFact = { ok: true } | { ok: false; field: 'gpuModel' | 'region' | 'units'; reason: string };

/** The claim against the policy: the first field out of scope, if any. */
export function checkScope(policy: JoinPolicy, claim: JoinClaim): ScopeFact {
  if (policy.gpuModels.length > 0 && !policy.gpuModels.includes(claim.gpuModel))
    return { ok: false, field: 'gpuModel', reason: `GPU model ${claim.gpuModel} is not one of ${policy.gpuModels.join(', ')}` };
  if (policy.regions.length > 0 && !policy.regions.includes(claim.region))
    return { ok: false, field: 'region', reason: `region ${claim.region} is not one of ${policy.regions.join(', ')}` };
  if (claim.units > policy.maxUnits) return { ok: false, field: 'units', reason: `${claim.units} units exceed the token's ${policy.maxUnits}` };
  return { ok: true };
}

export type RedeemFact = { ok: true } | { ok: false; why: 'redeemed' | 'expired' };

/** Whether a token can be redeemed at `nowMs` (the store's guard says the same atomically). */
export function redeemable(t: Pick<JoinToken, 'status' | 'expiresAtMs'>, nowMs: number): RedeemFact {
  if (t.status !== 'ISSUED') return { ok: false, why: 'redeemed' };
  if (nowMs >= t.expiresAtMs) return { ok: false, why: 'expired' };
  return { ok: true };
}

/** `vjt_` and 43 characters of base64url (256 bits): not an API key (`vk_`), so neither is taken for the other. */
export const JOIN_SECRET_PATTERN = /^vjt_[A-Za-z0-9_-]{43}$/;
