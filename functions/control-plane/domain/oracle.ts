/**
 * The price index oracle (seed §8.1, §8.3): supply offers bucketed by GPU profile and
 * region, a supply curve sorted by price, and the clearing price for a demand in SCM.
 *
 *   required      = RESERVE_CEIL(demand × (1 + reserve))          SCM the bucket must cover
 *   marginal      = price of the cheapest offer at which the cumulative capacity ≥ required
 *                   (the dearest offer when supply falls short: scarcity)
 *   utilisation   = UTIL_CEIL(required / capacity), capped at 100 % (no capacity: 100 %)
 *   surge         = 1.0× up to 95 %, then linear to 1.5× at 100 % (SURGE_FLOOR, in bp)
 *   clearing      = clamp(SURGE_HALF_UP(marginal × surge), floor, cap)
 *
 * Allocations fill the demand itself (not the reserve) from the cheapest offer up, every
 * one at the clearing price (a uniform-price auction: nobody is paid less than the margin).
 * Utilisation rounds up so that a bucket is never priced as less loaded than it is.
 */
import { BPS, divCeil, divFloor, divHalfUp, maxBig, minBig } from './units.ts';

export interface SupplyOffer {
  providerId: string;
  gpuProfile: string;
  region: string;
  /** SCM the provider offers in the window. */
  capacityScm: bigint;
  /** Ask, µACU per SCM. */
  priceMicro: bigint;
  /** Epoch ms the offer was made (a heartbeat or an operator's POST). */
  offeredAt: number;
}

export interface SurgeParams {
  /** Utilisation at which surge starts, bp (seed: 9,500). */
  startBps: bigint;
  /** Multiplier at 100 % utilisation, bp (seed: 15,000 = 1.5×). */
  maxBps: bigint;
}

export const SURGE: SurgeParams = { startBps: 9_500n, maxBps: 15_000n };

/** Demand configuration of a bucket: its window, reserve and price bounds. */
export interface DemandConfig {
  gpuProfile: string;
  region: string;
  /** Offers older than this do not count. */
  windowMinutes: number;
  /** SCM demanded per window when a caller names none. */
  demandScm: bigint;
  /** Capacity held beyond the demand, bp of the demand. */
  reserveRatioBps: bigint;
  /** Bounds of the clearing price, µACU per SCM. */
  floorPriceMicro: bigint;
  capPriceMicro: bigint;
}

export interface CurveStep {
  providerId: string;
  priceMicro: bigint;
  capacityScm: bigint;
  /** Capacity of this step and every cheaper one. */
  cumulativeScm: bigint;
}

export interface Allocation {
  providerId: string;
  scm: bigint;
  priceMicro: bigint;
}

export interface BucketResult {
  bucketId: string;
  demandScm: bigint;
  requiredScm: bigint;
  supplyScm: bigint;
  /** Null when the bucket has no live offer: there is no price to clear at. */
  marginalPriceMicro: bigint | null;
  clearingPriceMicro: bigint | null;
  utilisationBps: bigint;
  surgeBps: bigint;
  surgeApplied: boolean;
  /** Which bound, if any, the clearing price was clamped to. */
  bounded: 'none' | 'floor' | 'cap';
  allocations: Allocation[];
  unfilledScm: bigint;
  offers: number;
}

const PART = /^[A-Za-z0-9._-]{1,48}$/;

/** The bucket of a GPU profile in a region: `<gpuProfile>:<region>`, case kept. */
export function bucketIdOf(gpuProfile: string, region: string): string {
  if (!PART.test(gpuProfile) || !PART.test(region)) throw new RangeError('gpuProfile and region are 1-48 characters of [A-Za-z0-9._-]');
  return `${gpuProfile}:${region}`;
}

export const BUCKET_ID = /^[A-Za-z0-9._-]{1,48}:[A-Za-z0-9._-]{1,48}$/;

/** The offers a window still counts: made within `windowMinutes` before `now`, not after it. */
export function liveOffers(offers: readonly SupplyOffer[], nowMs: number, windowMinutes: number): SupplyOffer[] {
  const from = nowMs - windowMinutes * 60_000;
  return offers.filter((o) => o.offeredAt > from && o.offeredAt <= nowMs && o.capacityScm > 0n);
}

/** Cheapest first; equal prices by provider id, so the curve is one total order. */
export function supplyCurve(offers: readonly SupplyOffer[]): CurveStep[] {
  const sorted = [...offers].sort((a, b) =>
    a.priceMicro !== b.priceMicro ? (a.priceMicro < b.priceMicro ? -1 : 1) : a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0,
  );
  let cum = 0n;
  return sorted.map((o) => {
    cum += o.capacityScm;
    return { providerId: o.providerId, priceMicro: o.priceMicro, capacityScm: o.capacityScm, cumulativeScm: cum };
  });
}

/** The surge multiplier in bp for a utilisation in bp (SURGE_FLOOR). */
export function surgeBps(utilisationBps: bigint, p: SurgeParams = SURGE): bigint {
  if (utilisationBps <= p.startBps) return BPS;
  const u = minBig(utilisationBps, BPS);
  return BPS + divFloor((p.maxBps - BPS) * (u - p.startBps), BPS - p.startBps);
}

/** required / capacity in bp, rounded up (UTIL_CEIL), capped at 100 %. */
export function utilisationBps(requiredScm: bigint, supplyScm: bigint): bigint {
  if (supplyScm <= 0n) return BPS;
  return minBig(BPS, divCeil(requiredScm * BPS, supplyScm));
}

export function clearingPrice(
  bucketId: string,
  curve: readonly CurveStep[],
  demandScm: bigint,
  cfg: Pick<DemandConfig, 'reserveRatioBps' | 'floorPriceMicro' | 'capPriceMicro'>,
  surge: SurgeParams = SURGE,
): BucketResult {
  if (demandScm < 0n) throw new RangeError('demand must be ≥ 0');
  const requiredScm = divCeil(demandScm * (BPS + cfg.reserveRatioBps), BPS);
  const supplyScm = curve.length ? curve[curve.length - 1]!.cumulativeScm : 0n;
  const u = utilisationBps(requiredScm, supplyScm);
  const s = surgeBps(u, surge);
  const base = {
    bucketId,
    demandScm,
    requiredScm,
    supplyScm,
    utilisationBps: u,
    surgeBps: s,
    surgeApplied: s > BPS,
    offers: curve.length,
  };
  if (curve.length === 0) {
    return { ...base, marginalPriceMicro: null, clearingPriceMicro: null, bounded: 'none', allocations: [], unfilledScm: demandScm };
  }
  const marginal = (curve.find((c) => c.cumulativeScm >= requiredScm) ?? curve[curve.length - 1]!).priceMicro;
  const surged = divHalfUp(marginal * s, BPS);
  const clamped = minBig(cfg.capPriceMicro, maxBig(cfg.floorPriceMicro, surged));
  const bounded = clamped > surged ? 'floor' : clamped < surged ? 'cap' : 'none';
  const allocations: Allocation[] = [];
  let left = demandScm;
  for (const c of curve) {
    if (left === 0n) break;
    const take = minBig(left, c.capacityScm);
    allocations.push({ providerId: c.providerId, scm: take, priceMicro: clamped });
    left -= take;
  }
  return { ...base, marginalPriceMicro: marginal, clearingPriceMicro: clamped, bounded, allocations, unfilledScm: left };
}

/** The whole pipeline for one bucket: live offers → curve → clearing at the demand. */
export function clearBucket(
  offers: readonly SupplyOffer[],
  cfg: DemandConfig,
  nowMs: number,
  demandScm: bigint = cfg.demandScm,
  surge: SurgeParams = SURGE,
): BucketResult {
  const bucketId = bucketIdOf(cfg.gpuProfile, cfg.region);
  const mine = offers.filter((o) => bucketIdOf(o.gpuProfile, o.region) === bucketId);
  return clearingPrice(bucketId, supplyCurve(liveOffers(mine, nowMs, cfg.windowMinutes)), demandScm, cfg, surge);
}

/** A bucket no operator has configured: a one-hour window, no reserve, no bounds beyond [0, 10^15]. */
export function defaultDemand(gpuProfile: string, region: string): DemandConfig {
  return { gpuProfile, region, windowMinutes: 60, demandScm: 0n, reserveRatioBps: 0n, floorPriceMicro: 0n, capPriceMicro: 10n ** 15n };
}

export function validDemand(c: DemandConfig): string | null {
  if (c.floorPriceMicro > c.capPriceMicro) return 'floorPrice must not exceed capPrice';
  if (c.windowMinutes < 1) return 'windowMinutes must be at least 1';
  return null;
}
