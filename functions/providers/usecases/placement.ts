/**
 * The directory's placer (the jobs context's Placer port, given through index.ts): reads the
 * buyer's RCs in burn-down order (market index) and the online providers (the directory), drops
 * the providers the revocation registry holds (privacy index: a revoked provider gets no new job),
 * and takes the first candidate that still has the units: a hold per job, guarded, so two jobs never
 * take the same unit. The job's end gives its hold back (`release`, called by the jobs context when
 * the job ends and again, idempotently, when its end is billed).
 */
import { burnDownOrder } from '../../market/index.ts';
import type { ProvidersDeps } from '../deps.ts';
import { availableUnits, isQuotable } from '../domain/provider.ts';
import { revokedProviders } from '../../privacy/index.ts';
import { validKinds } from '../domain/evidence.ts';
import { candidates, EXCHANGE_POOL, unplacedReason, type CandidateReason, type NodeView } from '../domain/placement.ts';
import { getProvider, listProviders } from '../store/reads.ts';
import { releaseUnits, takeUnits } from '../store/writes.ts';

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
  const byId = new Map(providers.map((p) => [p.providerId, p]));
  const nodes = new Map<string, NodeView>(
    providers.map((p) => [
      p.providerId,
      { providerId: p.providerId, quotable: isQuotable(p), freeUnits: availableUnits(p), spotPriceMicro: p.spotPriceMicro, proven: validKinds(p.proven, now) },
    ]),
  );
  // Revocations are read for the candidate about to be taken, not for all of them: the first
  // candidate usually fits, so a placement costs one registry read (the registry is read
  // consistently every time; nothing about a revocation is cached).
  const revoked = new Set<string>();
  for (const c of candidates(rcs, nodes, job)) {
    if (revoked.has(c.providerId)) continue;
    if (c.providerId !== EXCHANGE_POOL && (await revokedProviders(d.revocations, [c.providerId])).size > 0) {
      revoked.add(c.providerId);
      continue;
    }
    if (c.takeUnits > 0 && !(await takeUnits(d.store, c.providerId, { jobId: job.jobId, n: c.takeUnits, units: byId.get(c.providerId)!.units }))) continue;
    return { placed: { providerId: c.providerId, reason: c.reason, detail: c.detail } };
  }
  const reason = unplacedReason(job);
  return { unplaced: revoked.size > 0 ? `${reason} (revoked, given no new jobs: ${[...revoked].sort().join(', ')})` : reason };
}

/** Gives back the units a job holds on a provider (none held, or given back already: false). */
export const release = (d: ProvidersDeps, providerId: string, jobId: string): Promise<boolean> =>
  providerId === EXCHANGE_POOL ? Promise.resolve(false) : releaseUnits(d.store, providerId, jobId);

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
  release: (providerId: string, jobId: string) => release(d, providerId, jobId),
});
