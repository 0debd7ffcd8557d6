/**
 * The placement port. The directory's placer (functions/providers, through its index.ts) is
 * composed in where providers exist; without one, every job runs on the exchange's own pool,
 * as before providers could join.
 */
import { EXCHANGE_POOL, type PlacementDecision, type PlacementRequest } from '../domain/placement.ts';

export interface Placer {
  place(job: PlacementRequest): Promise<PlacementDecision>;
  /** Of these providers, the joined ones that are offline now (their running jobs end: `provider_offline`). */
  offline(providerIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Gives back the units the job holds on its provider (idempotent: false when it holds none). */
  release(providerId: string, jobId: string): Promise<boolean>;
  /**
   * After the end, off the path to the next claim: the job's share of the scheduler's books
   * (its allocation) goes. Called by the billing step; idempotent.
   */
  settle?(providerId: string, jobId: string): Promise<void>;
}

export const exchangePoolPlacer: Placer = {
  place: async () => ({ placed: { providerId: EXCHANGE_POOL, reason: 'exchange_pool', detail: 'no placer composed: the exchange pool' } }),
  offline: async () => new Set(),
  release: async () => false,
};
