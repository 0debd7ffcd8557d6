/**
 * The oracle's use cases: record supply offers (operators now; provider heartbeats through
 * index.ts), configure a bucket's demand, and clear a bucket at its configured demand or at
 * one a caller names. `spotPriceOf` is the seam the market's spot price calls.
 */
import { isoAt } from '../../platform/clock.ts';
import type { ControlPlaneDeps } from '../deps.ts';
import { controlPlaneError } from '../errors.ts';
import { bucketIdOf, BUCKET_ID, clearBucket, defaultDemand, validDemand, type BucketResult, type DemandConfig, type SupplyOffer } from '../domain/oracle.ts';
import { bucketItems, putDemand, putOffer, type OfferWrite } from '../store/oracle.ts';
import { parameterValues } from '../store/governance.ts';
import { maxBig, minBig } from '../../platform/money.ts';

export interface RecordedOffer {
  bucketId: string;
  providerId: string;
  outcome: OfferWrite;
}

/** Records each offer; a newer offer from the same provider replaces its older one. */
export async function recordSupply(d: ControlPlaneDeps, offers: readonly SupplyOffer[]): Promise<RecordedOffer[]> {
  const out: RecordedOffer[] = [];
  for (const o of offers) {
    out.push({ bucketId: bucketIdOf(o.gpuProfile, o.region), providerId: o.providerId, outcome: await putOffer(d.store, o) });
  }
  return out;
}

/** SCM an offer of `freeUnits` at `scmPerMinMilli` holds over the default 60-minute window (SUPPLY_FLOOR). */
export const heartbeatCapacityScm = (freeUnits: number, scmPerMinMilli: bigint): bigint => (BigInt(freeUnits) * scmPerMinMilli * 60n) / 1000n;

export async function configureDemand(d: ControlPlaneDeps, c: DemandConfig): Promise<{ bucketId: string; version: bigint }> {
  const bad = validDemand(c);
  if (bad) throw controlPlaneError('invalid_demand', bad);
  const bucketId = bucketIdOf(c.gpuProfile, c.region);
  const { demand } = await bucketItems(d.store, bucketId);
  const version = (demand?.version ?? 0n) + 1n;
  if (!(await putDemand(d.store, c, version, isoAt(d.rt.clock.nowMs()))))
    throw controlPlaneError('demand_changed', `bucket ${bucketId} was reconfigured concurrently: retry`);
  return { bucketId, version };
}

export interface Cleared {
  result: BucketResult;
  demand: DemandConfig;
  configured: boolean;
  at: string;
}

/** The bucket cleared now: at `demandScm` if given, else at its configured demand. */
export async function clearNow(d: ControlPlaneDeps, bucketId: string, demandScm?: bigint): Promise<Cleared> {
  if (!BUCKET_ID.test(bucketId)) throw controlPlaneError('unknown_bucket', `"${bucketId}" is not a bucket id (<gpuProfile>:<region>)`);
  const { offers, demand } = await bucketItems(d.store, bucketId);
  if (!demand && offers.length === 0) throw controlPlaneError('unknown_bucket', `no offer and no demand configuration for bucket ${bucketId}`);
  const [gpuProfile, region] = bucketId.split(':') as [string, string];
  const cfg = demand ?? defaultDemand(gpuProfile, region);
  const now = d.rt.clock.nowMs();
  return { result: clearBucket(offers, cfg, now, demandScm ?? cfg.demandScm), demand: cfg, configured: demand !== undefined, at: isoAt(now) };
}

/**
 * The market's seam: the spot price of a job's bucket, µACU per SCM, or null when the
 * bucket has no live offer (the market then keeps its catalog spot price). The job's own
 * SCM joins the configured demand, so a large job moves the price it pays. The governed
 * parameters (surge start and maximum, spot floor and cap) are read on every call, so an
 * executed proposal moves the next quote; the answer is clamped to [spot.floorMicro, spot.capMicro].
 */
export async function spotPriceOf(
  d: Pick<ControlPlaneDeps, 'rt' | 'store'>,
  q: { gpuProfile: string; region: string; jobScm?: bigint },
): Promise<{ priceMicro: bigint | null; result: BucketResult }> {
  const bucketId = bucketIdOf(q.gpuProfile, q.region);
  const [{ offers, demand }, p] = await Promise.all([
    bucketItems(d.store, bucketId),
    parameterValues(d.store, ['surge.startBps', 'surge.maxBps', 'spot.floorMicro', 'spot.capMicro'] as const),
  ]);
  const [start, max, floor, cap] = [p['surge.startBps'], p['surge.maxBps'], p['spot.floorMicro'], p['spot.capMicro']];
  const cfg = demand ?? defaultDemand(q.gpuProfile, q.region);
  const result = clearBucket(offers, cfg, d.rt.clock.nowMs(), cfg.demandScm + (q.jobScm ?? 0n), { startBps: start.value, maxBps: max.value });
  const price = result.clearingPriceMicro;
  return { priceMicro: price === null ? null : minBig(cap.value, maxBig(floor.value, price)), result };
}
