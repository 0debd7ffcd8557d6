/** Loading the provider catalog and reading the market (stats per provider and tenor). */
import type { MarketDeps } from '../deps.ts';
import { TENOR_IDS, type Provider, type Tenor } from '../domain/catalog.ts';
import { maxNotionalScu } from '../domain/capacity.ts';
import { allProviders } from '../store/reads.ts';
import { statsOf } from '../views.ts';
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
