/** API views of the market: domain → wire (decimal ACU strings, SCU as numbers), the shapes of api.ts. */
import { formatAcu } from '../platform/money.ts';
import type { Provider, Tenor } from './domain/catalog.ts';
import { remainingScu } from './domain/capacity.ts';
import { price, ONE } from './domain/pricing.ts';
import type { Allocation } from './domain/quote.ts';
import type { Rc } from './domain/rc.ts';
import type { Listing } from './domain/secondary.ts';
import type { ProviderState } from './store/reads.ts';

export function rcOut(rc: Rc) {
  return {
    rcId: rc.rcId,
    ownerId: rc.ownerId,
    providerId: rc.providerId,
    gpuProfile: rc.gpuProfile,
    region: rc.region,
    tenor: rc.tenor,
    status: rc.status,
    maxScu: Number(rc.maxScu),
    usedScu: Number(rc.usedScu),
    listedScu: Number(rc.listedScu),
    remainingScu: Number(rc.maxScu - rc.usedScu),
    lockPrice: formatAcu(rc.lockMicro),
    feeCommit: formatAcu(rc.commitMicro),
    feeUsage: formatAcu(rc.usageMicro),
    escrow: formatAcu(rc.escrowMicro),
    createdAt: rc.createdAt,
    expiresAt: rc.expiresAt,
    parentRcId: rc.parentRcId,
  };
}

export function listingOut(l: Listing) {
  return {
    listingId: l.listingId,
    rcId: l.rcId,
    sellerId: l.sellerId,
    providerId: l.providerId,
    tenor: l.tenor,
    scuListed: Number(l.scuListed),
    scuAvailable: Number(l.scuAvailable),
    askPrice: formatAcu(l.askMicro),
    status: l.status,
    createdAt: l.createdAt,
  };
}

/** The listing item; indexed under its RC, and among open listings while OPEN. */
/** A ratio scaled by 10^18 as a decimal string with 6 places (floored), for display. */
const ratio = (scaled: bigint): string => formatAcu(scaled / (ONE / 1_000_000n));

export function statsOf(s: ProviderState, tenor: Tenor) {
  const cap = s.caps.get(tenor) ?? { maxScu: 0n, soldScu: 0n };
  const pr = price(s.provider, tenor, cap.soldScu, cap.maxScu);
  return {
    providerId: s.provider.id,
    gpuProfile: s.provider.gpuProfile,
    region: s.provider.region,
    tenor,
    spotPrice: formatAcu(s.provider.spotPriceMicro),
    lockPrice: formatAcu(pr.lockMicro),
    feeCommit: formatAcu(pr.commitMicro),
    feeUsage: formatAcu(pr.usageMicro),
    termPremium: ratio(pr.termPremiumScaled),
    utilPremium: ratio(pr.utilPremiumScaled),
    maxScu: Number(cap.maxScu),
    soldScu: Number(cap.soldScu),
    remainingScu: Number(remainingScu(cap.maxScu, cap.soldScu)),
    utilization: cap.maxScu > 0n ? formatAcu((cap.soldScu * 1_000_000n) / cap.maxScu) : '0.000000',
  };
}

export function providerOut(p: Provider) {
  return {
    providerId: p.id,
    gpuProfile: p.gpuProfile,
    region: p.region,
    scuPerHour: Number(p.scuPerHour),
    reservedFraction: formatAcu(p.reservedFractionPpm),
    reliabilityFloor: formatAcu(p.reliabilityFloorPpm),
    spotPrice: formatAcu(p.spotPriceMicro),
    scmPerMin: `${p.scmPerMinMilli / 1000n}.${String(p.scmPerMinMilli % 1000n).padStart(3, '0')}`,
  };
}

export const allocationOut = (a: Allocation) => ({
  providerId: a.providerId,
  scu: Number(a.scu),
  lockPrice: formatAcu(a.lockMicro),
  feeCommit: formatAcu(a.commitMicro),
  feeUsage: formatAcu(a.usageMicro),
  total: formatAcu(a.scu * a.lockMicro),
});
