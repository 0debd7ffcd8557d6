/**
 * Placement: which provider a job runs on, and why. The jobs context asks its Placer (a port,
 * drivers/placement.ts) when it is about to claim an agent; the decision and its reason are
 * recorded on the job. A job no provider fits stays QUEUED with the reason.
 */
export type PlacementReason =
  /** The buyer's RCs on this provider cover the job (the burn-down order: earliest expiry first). */
  | 'rc_coverage'
  /** No RC covers it: an online provider whose free units fit, at its spot price. */
  | 'spot'
  /** A CPU job with no RC: the exchange's own pool (billed to `provider:exchange`, market domain/catalog.ts). */
  | 'exchange_pool';

export interface Placement {
  providerId: string;
  reason: PlacementReason;
  /** Human-readable facts behind the decision (for the job's record and the operator). */
  detail: string;
}

export type PlacementDecision = { placed: Placement } | { unplaced: string };

/** What placement needs to know of a job. */
export interface PlacementRequest {
  jobId: string;
  ownerId: string;
  numGpus: number;
  /** The job's scheduled compute minutes: the SCU it is expected to use (what its RCs must cover). */
  scmMinutes: number;
  /** The attesters an attested job requires (placement needs a provider that proved the hardware kinds among them). */
  attesters: readonly string[];
}

/** The provider id jobs of the exchange's own pool carry (the market's catalog entry of that pool). */
import { EXCHANGE_POOL } from '../../market/index.ts';
export { EXCHANGE_POOL };
