/**
 * Purchase planning: reprice each allocation of a quote against the current market and
 * decide what is charged. The buyer never pays more than quoted: within the drift
 * tolerance (default 1%, the buyer may set `maxDriftBps`) the charge is min(quoted, current);
 * beyond it the purchase is rejected (409 price_drifted, with the new price).
 *
 * Per allocation: total = scu × lock = scu × commit (to the provider at once)
 * + scu × usage (to the RC's escrow). Exact, because commit + usage = lock per SCU.
 */
import { drifted, price, PRICE_DRIFT_TOLERANCE_PPM } from './pricing.ts';
import { remainingScu } from './capacity.ts';
import type { Allocation, Offer } from './quote.ts';
import type { Tenor } from './catalog.ts';

export interface PurchaseLine {
  providerId: string;
  scu: bigint;
  lockMicro: bigint;
  commitMicro: bigint;
  usageMicro: bigint;
  commitTotalMicro: bigint;
  escrowMicro: bigint;
  totalMicro: bigint;
  /** The counter guard: sold must be ≤ this for the reservation to fit. */
  soldLimitScu: bigint;
}

export type PurchasePlan =
  | { ok: true; lines: PurchaseLine[]; totalMicro: bigint }
  | { ok: false; reason: 'price_drifted'; providerId: string; quotedLockMicro: bigint; currentLockMicro: bigint }
  | { ok: false; reason: 'capacity_exhausted'; providerId: string; remainingScu: bigint };

export function planPurchase(
  allocations: readonly Allocation[],
  offers: ReadonlyMap<string, Offer>,
  tenor: Tenor,
  tolerancePpm: bigint = PRICE_DRIFT_TOLERANCE_PPM,
): PurchasePlan {
  const lines: PurchaseLine[] = [];
  for (const a of allocations) {
    const o = offers.get(a.providerId);
    const remaining = o ? remainingScu(o.maxScu, o.soldScu) : 0n;
    if (!o || remaining < a.scu) return { ok: false, reason: 'capacity_exhausted', providerId: a.providerId, remainingScu: remaining };
    const now = price(o.provider, tenor, o.soldScu, o.maxScu);
    if (drifted(a.lockMicro, now.lockMicro, tolerancePpm)) {
      return { ok: false, reason: 'price_drifted', providerId: a.providerId, quotedLockMicro: a.lockMicro, currentLockMicro: now.lockMicro };
    }
    const charged = now.lockMicro < a.lockMicro ? now : a;
    lines.push({
      providerId: a.providerId,
      scu: a.scu,
      lockMicro: charged.lockMicro,
      commitMicro: charged.commitMicro,
      usageMicro: charged.usageMicro,
      commitTotalMicro: a.scu * charged.commitMicro,
      escrowMicro: a.scu * charged.usageMicro,
      totalMicro: a.scu * charged.lockMicro,
      soldLimitScu: o.maxScu - a.scu,
    });
  }
  return { ok: true, lines, totalMicro: lines.reduce((s, l) => s + l.totalMicro, 0n) };
}
