/**
 * The market's face to other contexts: billing a finished job against the buyer's RCs (the
 * rest at spot), the provider catalog, and the market's unit. Other contexts import from
 * here only.
 */
export {
  applyJob,
  applyJobs,
  burnDownOrder,
  type UsableRc,
  type Applied,
  type JobApply,
  type JobApplyResult,
  type JobsApply,
  type JobUsage,
} from './usecases/coverage.ts';
export { catalogEntryItems, ensureExchangePool, loadCatalog } from './usecases/catalog.ts';
export { composeMarket, withOracle, type MarketDeps, type SpotPricePort } from './deps.ts';
export { EXCHANGE_POOL, runtimeToScu, type Provider, type Tenor } from './domain/catalog.ts';
export { scu, type Scu } from './domain/units.ts';
export { MAX_JOBS_PER_APPLY } from './domain/coverage.ts';
