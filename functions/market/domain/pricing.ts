/**
 * Pricing (seed §1.8) in fixed point. Ratios are carried at scale ONE = 10^18.
 *
 *   term_premium = tp_max × (1 − e^(−days/τ))
 *   util_premium = slope × max(0, u − target),  u = sold / max
 *   lock         = spot × (1 + term_premium) × (1 + util_premium)
 *   fee_commit   = lock × commit_fraction[tenor],  fee_usage = lock − fee_commit
 *
 * e^(−x) is irrational; `expNegScaled` computes it deterministically: the Taylor series of
 * e^(+x) summed at scale ONE with every term floored (all terms positive, so it converges
 * without cancellation; at most ~60 terms for x ≤ 3, each losing < 1 unit), then
 * ONE² / e^x floored. The result is within 10^−15 (relative) of the real value, far
 * below one µACU on any price here; the unit test checks it against Math.exp.
 *
 * Named roundings: TERM_FLOOR and UTIL_FLOOR (premiums round down at 10^−18),
 * LOCK_HALF_UP (the lock price rounds half up to the µACU per SCU), COMMIT_HALF_UP (the
 * commit fee per SCU rounds half up; the usage fee is the exact remainder, so
 * commit + usage = lock holds to the µACU).
 */
import { divHalfUp } from '../../platform/money.ts';
import { CURVE, PPM, TENORS, type CurveParams, type Provider, type Tenor } from './catalog.ts';

export const ONE = 10n ** 18n;

/** e^(p/q) × ONE, floored; p ≥ 0, q > 0. */
export function expScaled(p: bigint, q: bigint): bigint {
  if (p < 0n || q <= 0n) throw new RangeError('expScaled needs p ≥ 0 and q > 0');
  let term = ONE;
  let sum = ONE;
  for (let k = 1n; term > 0n; k++) {
    term = (term * p) / (q * k);
    sum += term;
  }
  return sum;
}

/** e^(−p/q) × ONE, floored. */
export function expNegScaled(p: bigint, q: bigint): bigint {
  return (ONE * ONE) / expScaled(p, q);
}

/** term_premium × ONE (TERM_FLOOR). */
export function termPremiumScaled(days: bigint, c: CurveParams = CURVE): bigint {
  return (c.termPremiumMaxPpm * (ONE - expNegScaled(days, c.termTauDays))) / PPM;
}

/** util_premium × ONE (UTIL_FLOOR). With no capacity at all, utilisation counts as 1. */
export function utilPremiumScaled(soldScu: bigint, maxScu: bigint, c: CurveParams = CURVE): bigint {
  const over = maxScu > 0n ? soldScu * PPM - c.utilTargetPpm * maxScu : (PPM - c.utilTargetPpm) * 1n;
  if (over <= 0n) return 0n;
  const denom = maxScu > 0n ? PPM * PPM * maxScu : PPM * PPM;
  return (c.utilSlopePpm * over * ONE) / denom;
}

export interface Price {
  /** µACU per SCU. */
  lockMicro: bigint;
  commitMicro: bigint;
  usageMicro: bigint;
  termPremiumScaled: bigint;
  utilPremiumScaled: bigint;
}

/** The split of a lock price for a tenor (COMMIT_HALF_UP, usage = remainder). */
export function splitFees(lockMicro: bigint, tenor: Tenor): { commitMicro: bigint; usageMicro: bigint } {
  const commitMicro = divHalfUp(lockMicro * TENORS[tenor].commitPpm, PPM);
  return { commitMicro, usageMicro: lockMicro - commitMicro };
}

export function price(p: Provider, tenor: Tenor, soldScu: bigint, maxScu: bigint, c: CurveParams = CURVE): Price {
  const tp = termPremiumScaled(TENORS[tenor].days, c);
  const up = utilPremiumScaled(soldScu, maxScu, c);
  const lockMicro = divHalfUp(p.spotPriceMicro * (ONE + tp) * (ONE + up), ONE * ONE);
  return { lockMicro, ...splitFees(lockMicro, tenor), termPremiumScaled: tp, utilPremiumScaled: up };
}

/** Drift tolerance between a quote and the purchase, ppm of the quoted lock price. */
export const PRICE_DRIFT_TOLERANCE_PPM = 10_000n;

/** True when the current price is more than the tolerance above the quoted one. */
export function drifted(quotedLockMicro: bigint, currentLockMicro: bigint, tolPpm: bigint = PRICE_DRIFT_TOLERANCE_PPM): boolean {
  return currentLockMicro * PPM > quotedLockMicro * (PPM + tolPpm);
}
