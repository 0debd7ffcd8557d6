/**
 * The directory's placer (the jobs context's Placer port, given through index.ts): reads the
 * buyer's RCs in burn-down order (market index) and the online providers (the directory), and
 * takes the first candidate that still has the units (a guarded write: two jobs never take the
 * same free unit).
 */
import { burnDownOrder } from '../../market/index.ts';
import type { ProvidersDeps } from '../deps.ts';
import { isQuotable } from '../domain/provider.ts';
import { validKinds } from '../domain/evidence.ts';
import { candidates, EXCHANGE_POOL, unplacedReason, type CandidateReason, type NodeView } from '../domain/placement.ts';
import { getProvider, listProviders } from '../store/reads.ts';
import { takeUnits } from '../store/writes.ts';

export interface PlaceRequest {
  jobId: string;
  ownerId: string;
  numGpus: number;
  scmMinutes: number;
  attesters?: readonly string[];
}

export type PlaceDecision = { placed: { providerId: string; reason: CandidateReason; detail: string } } | { unplaced: string };

export async function place(d: ProvidersDeps, job: PlaceRequest): Promise<PlaceDecision> {
  const now = d.rt.clock.nowMs();
  const [rcs, providers] = await Promise.all([burnDownOrder(d.market, job.ownerId), listProviders(d.store)]);
  const nodes = new Map<string, NodeView>(
    providers.map((p) => [
      p.providerId,
      { providerId: p.providerId, quotable: isQuotable(p), freeUnits: p.freeUnits, spotPriceMicro: p.spotPriceMicro, proven: validKinds(p.proven, now) },
    ]),
  );
  for (const c of candidates(rcs, nodes, job)) {
    if (c.takeUnits > 0 && !(await takeUnits(d.store, c.providerId, c.takeUnits))) continue;
    return { placed: { providerId: c.providerId, reason: c.reason, detail: c.detail } };
  }
  return { unplaced: unplacedReason(job) };
}

/** Of `ids`, the joined providers that are offline (catalog-only providers and the exchange pool never are). */
export async function offlineAmong(d: ProvidersDeps, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)].filter((id) => id !== EXCHANGE_POOL);
  const found = await Promise.all(unique.map((id) => getProvider(d.store, id)));
  return new Set(found.filter((p) => p !== null && !p.online).map((p) => p!.providerId));
}

/** The placer the jobs context composes (structurally its drivers/placement.ts Placer). */
export const directoryPlacer = (d: ProvidersDeps) => ({
  place: (job: PlaceRequest) => place(d, job),
  offline: (ids: readonly string[]) => offlineAmong(d, ids),
});
