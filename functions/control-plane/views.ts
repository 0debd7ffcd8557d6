/** How the control plane's results are shown over the API: money as ACU strings, ratios as bp integers. */
import { formatAcu } from '../platform/money.ts';
import type { BucketResult, DemandConfig } from './domain/oracle.ts';

const acuOrNull = (v: bigint | null) => (v === null ? null : formatAcu(v));

export function bucketOut(r: BucketResult, demand: DemandConfig, configured: boolean, at: string) {
  return {
    bucketId: r.bucketId,
    at,
    configured,
    demand: {
      windowMinutes: demand.windowMinutes,
      demandScm: Number(demand.demandScm),
      reserveRatioBps: Number(demand.reserveRatioBps),
      floorPrice: formatAcu(demand.floorPriceMicro),
      capPrice: formatAcu(demand.capPriceMicro),
    },
    demandScm: Number(r.demandScm),
    requiredScm: Number(r.requiredScm),
    supplyScm: Number(r.supplyScm),
    offers: r.offers,
    marginalPrice: acuOrNull(r.marginalPriceMicro),
    clearingPrice: acuOrNull(r.clearingPriceMicro),
    utilisationBps: Number(r.utilisationBps),
    surgeBps: Number(r.surgeBps),
    surgeApplied: r.surgeApplied,
    bounded: r.bounded,
    unfilledScm: Number(r.unfilledScm),
    allocations: r.allocations.map((a) => ({ providerId: a.providerId, scm: Number(a.scm), price: formatAcu(a.priceMicro) })),
  };
}

export function priceOut(r: BucketResult, at: string) {
  return {
    bucketId: r.bucketId,
    at,
    clearingPrice: acuOrNull(r.clearingPriceMicro),
    surgeBps: Number(r.surgeBps),
    utilisationBps: Number(r.utilisationBps),
    bounded: r.bounded,
  };
}
