/** Loading the provider catalog and reading the market (stats per provider and tenor). */
import type { MarketDeps } from '../deps.ts';
import { EXCHANGE_POOL_PROVIDER, TENOR_IDS, type Provider, type Tenor } from '../domain/catalog.ts';
import { maxNotionalScu } from '../domain/capacity.ts';
import { allProviders } from '../store/reads.ts';
import { statsOf } from '../views.ts';
import { capacityMax, catalogProfile, putExchangePool, putProvider, setCapacityMax } from '../store/writes.ts';
import type { LabelledItem } from '../../platform/dynamo/transact.ts';

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

/**
 * A provider's catalog entry and its capacity counters as transaction parts, for the directory
 * (functions/providers) to commit with its own records: on join (`create`, not quotable yet) and
 * when its node's heartbeats change what it offers. What was sold is never touched: only each
 * counter's max follows the capacity formula.
 */
export function catalogEntryItems(d: Pick<MarketDeps, 'store'>, p: Provider, o: { quotable: boolean; create: boolean }): LabelledItem[] {
  return [catalogProfile(d.store, p, o), ...TENOR_IDS.map((tenor) => capacityMax(d.store, { providerId: p.id, tenor, maxScu: maxNotionalScu(p, tenor) }))];
}

/** Puts the exchange pool's catalog entry if it is missing (domain/catalog.ts EXCHANGE_POOL_PROVIDER). */
export const ensureExchangePool = (d: Pick<MarketDeps, 'store'>): Promise<void> => putExchangePool(d.store, EXCHANGE_POOL_PROVIDER);

export interface MarketFilter {
  tenor?: Tenor | undefined;
  gpuProfile?: string | undefined;
  region?: string | undefined;
}

export async function market(d: Pick<MarketDeps, 'store'>, f: MarketFilter) {
  const states = (await allProviders(d.store)).filter(
    (s) => (!f.gpuProfile || s.provider.gpuProfile === f.gpuProfile) && (!f.region || s.provider.region === f.region),
  );
  return states.flatMap((s) => (f.tenor ? [f.tenor] : TENOR_IDS).map((t) => statsOf(s, t)));
}
