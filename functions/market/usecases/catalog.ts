/** Loading the provider catalog and reading the market (stats per provider and tenor). */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { formatAcu } from '../../platform/money.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { TENOR_IDS, type Provider, type Tenor } from '../domain/catalog.ts';
import { maxNotionalScu, remainingScu } from '../domain/capacity.ts';
import { price, ONE } from '../domain/pricing.ts';
import { providerItem } from '../store/codec.ts';
import { capacityKey } from '../store/keys.ts';
import { allProviders, type ProviderState } from '../store/reads.ts';

/**
 * Puts each provider and sets its counters' max from the capacity formula; SCU already
 * sold are kept (reloading the catalog never forgets a sale).
 */
export async function loadCatalog(rt: Runtime, providers: readonly Provider[]): Promise<number> {
  const table = rt.table('market');
  for (const p of providers) {
    await rt.doc.send(new PutCommand({ TableName: table, Item: providerItem(p) }));
    for (const tenor of TENOR_IDS) {
      await rt.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: capacityKey(p.id, tenor),
          UpdateExpression: 'SET kind = :k, providerId = :p, tenor = :t, maxScu = :m, soldScu = if_not_exists(soldScu, :z), gsi1pk = :g, gsi1sk = :s',
          ExpressionAttributeValues: { ':k': 'capacity', ':p': p.id, ':t': tenor, ':m': maxNotionalScu(p, tenor), ':z': 0n, ':g': 'PROVIDERS', ':s': `${p.id}#CAP#${tenor}` },
        }),
      );
    }
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

export async function market(rt: Runtime, f: MarketFilter) {
  const states = (await allProviders(rt)).filter((s) => (!f.gpuProfile || s.provider.gpuProfile === f.gpuProfile) && (!f.region || s.provider.region === f.region));
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
