/**
 * The reservation flow at ALLOCATING (seed §8.2): resilience guards, then the scheduler.
 *
 *   cost          = scm × price                                      µACU
 *   exposure      outstanding + cost > max exposure      → Declined resilience_guard
 *   price floor   price < floor                            → Declined price_floor
 *   credit        CREDIT_CEIL((used + cost) / limit) > max utilisation → Declined resilience_guard
 *   capacity      no unit fits                             → Declined insufficient_capacity
 *   otherwise     Accepted {reservationId, providerId, unitId, expiry}
 *
 * Guards go first, in that order, so a declined request never touches capacity.
 */
import { BPS, divCeil } from './units.ts';
import { allocate, type PlacementRequest, type Unit } from './scheduler.ts';

export interface Guards {
  /** The most a buyer may have outstanding (reserved, not yet settled), µACU. */
  maxExposureMicro: bigint;
  /** The lowest price the exchange reserves at, µACU per SCM. */
  priceFloorMicro: bigint;
  /** The most of its credit line a buyer may use, bp. */
  maxCreditUtilisationBps: bigint;
}

export interface BuyerPosition {
  outstandingExposureMicro: bigint;
  creditUsedMicro: bigint;
  creditLimitMicro: bigint;
}

export type DeclineReason = 'resilience_guard' | 'price_floor' | 'insufficient_capacity';

export type ReservationOutcome =
  | { status: 'accepted'; reservationId: string; jobId: string; providerId: string; unitId: string; expiresAt: number; costMicro: bigint; units: Unit[] }
  | { status: 'declined'; jobId: string; reason: DeclineReason; detail: string };

/** The guard a request fails, or null. */
export function guardFailure(g: Guards, b: BuyerPosition, priceMicro: bigint, scm: bigint): { reason: DeclineReason; detail: string } | null {
  const cost = priceMicro * scm;
  if (b.outstandingExposureMicro + cost > g.maxExposureMicro) return { reason: 'resilience_guard', detail: 'outstanding exposure would exceed the maximum' };
  if (priceMicro < g.priceFloorMicro) return { reason: 'price_floor', detail: 'price is below the floor' };
  const util = b.creditLimitMicro > 0n ? divCeil((b.creditUsedMicro + cost) * BPS, b.creditLimitMicro) : cost > 0n ? BPS + 1n : 0n;
  if (util > g.maxCreditUtilisationBps) return { reason: 'resilience_guard', detail: 'credit utilisation would exceed the maximum' };
  return null;
}

export function reserve(
  units: readonly Unit[],
  req: PlacementRequest & { priceMicro: bigint },
  g: Guards,
  b: BuyerPosition,
  ctx: { reservationId: string; nowMs: number; ttlMs: number },
): ReservationOutcome {
  const failed = guardFailure(g, b, req.priceMicro, req.scm);
  if (failed) return { status: 'declined', jobId: req.jobId, ...failed };
  const a = allocate(units, req);
  if (!a) return { status: 'declined', jobId: req.jobId, reason: 'insufficient_capacity', detail: 'no unit has room for the request' };
  return {
    status: 'accepted',
    reservationId: ctx.reservationId,
    jobId: req.jobId,
    providerId: a.placement.providerId,
    unitId: a.placement.unitId,
    expiresAt: ctx.nowMs + ctx.ttlMs,
    costMicro: req.priceMicro * req.scm,
    units: a.units,
  };
}

/** The outcome as callers see it: the new units stay inside the control plane. */
export type Reserved = Extract<ReservationOutcome, { status: 'declined' }> | Omit<Extract<ReservationOutcome, { status: 'accepted' }>, 'units'>;
