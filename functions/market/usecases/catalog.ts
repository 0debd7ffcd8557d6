/** Loading the provider catalog and reading the market (stats per provider and tenor). */
import { formatAcu } from '../../platform/money.ts';
import type { MarketDeps } from '../deps.ts';
import { TENOR_IDS, type Provider, type Tenor } from '../domain/catalog.ts';
import { maxNotionalScu, remainingScu } from '../domain/capacity.ts';
import { price, ONE } from '../domain/pricing.ts';
import { allProviders, type ProviderState } from '../store/reads.ts';
import { putProvider, setCapacityMax } from '../store/writes.ts';

/**
 * Puts each provider and sets its counters' max from the capacity formula; SCU already
 * sold are kept (reloading the catalog never forgets a sale).
 */
export async function loadCatalog(d: Pick<MarketDeps, 'store'>, providers: readonly Provider[]): Promise<number> {
  for (const p of providers) {
    await putProvider(d.store, p);
    for (const tenor of TENOR_IDS) await setCapacityMax(d.store, { providerId: p.id, tenor, maxScu: maxNotionalScu(p, tenor) });
  }
  return providers.length;
}

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

export interface MarketFilter {
  tenor?: Tenor | undefined;
  gpuProfile?: string | undefined;
  region?: string | undefined;
}

export async function market(d: Pick<MarketDeps, 'store'>, f: MarketFilter) {
  const states = (await allProviders(d.store)).filter((s) => (!f.gpuProfile || s.provider.gpuProfile === f.gpuProfile) && (!f.region || s.provider.region === f.region));
  return states.flatMap((s) => (f.tenor ? [f.tenor] : TENOR_IDS).map((t) => statsOf(s, t)));
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
