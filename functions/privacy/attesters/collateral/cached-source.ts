/**
 * A CollateralSource that answers from the cache while the cached record is inside its update
 * window, asks the vendor (the `upstream` source) when it is not, and never replaces cached
 * collateral with older collateral. If the vendor is unreachable, the stale record is returned:
 * the verifier then judges it at its clock (an expired TCB info fails as chain_expired) rather
 * than the cache pretending it is fresh.
 */
import { CollateralUnavailableError, fresh, keyString, newer, type CollateralKey, type CollateralRecord, type CollateralSource } from './source.ts';
import { getCachedCollateral, putCollateral, type CacheCtx } from '../store/collateral-cache.ts';

export class CachedCollateralSource implements CollateralSource {
  constructor(
    private readonly cache: CacheCtx,
    private readonly upstream: CollateralSource,
  ) {}

  async fetch(key: CollateralKey, atMs: number): Promise<CollateralRecord | undefined> {
    const k = keyString(key);
    const cached = await getCachedCollateral(this.cache, k);
    if (cached && fresh(cached, atMs)) return cached;
    let got: CollateralRecord | undefined;
    try {
      got = await this.upstream.fetch(key, atMs);
    } catch (e) {
      if (e instanceof CollateralUnavailableError && cached) return cached;
      throw e;
    }
    if (!got) return cached;
    if (cached && !newer(got.version, cached.version)) return cached;
    const outcome = await putCollateral(this.cache, got);
    // Someone stored a newer version meanwhile: that one wins.
    return outcome === 'stored' ? got : ((await getCachedCollateral(this.cache, k)) ?? got);
  }
}
