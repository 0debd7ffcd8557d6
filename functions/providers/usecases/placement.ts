/**
 * The directory's placer (the jobs context's Placer port, given through index.ts): reads the
 * buyer's RCs in burn-down order (market index) and the online providers (the directory), drops
 * the providers the revocation registry holds (privacy index: a revoked provider gets no new job),
 * and takes the first candidate that still has the units: a hold per job, guarded, so two jobs never
 * take the same unit. The job's end gives its hold back (`release`, called by the jobs context when
 * the job ends and again, idempotently, when its end is billed).
 *
 * A one-unit GPU job no RC covers asks the control plane's scheduler (`reserveCapacity`: the
 * resilience guards on the buyer's ledger position, then the unit with the least attained
 * service) which of the cheapest eligible providers takes it; the scheduler's pick goes first,
 * the others follow in the directory's order. Declined by a guard: the job stays QUEUED with
 * the guard's reason. No registered unit fits: the directory's order alone. Jobs of several
 * GPUs take the directory's order (a scheduler allocation is one unit).
 */
import { burnDownOrder } from '../../market/index.ts';
import type { ProvidersDeps } from '../deps.ts';
import { availableUnits, isQuotable } from '../domain/provider.ts';
import { revokedProviders } from '../../privacy/index.ts';
import { validKinds } from '../domain/evidence.ts';
import { candidates, EXCHANGE_POOL, unplacedReason, type CandidateReason, type NodeView } from '../domain/placement.ts';
import { getProvider, listProviders } from '../store/reads.ts';
import { releaseUnits, takeUnits } from '../store/writes.ts';
import { account } from '../../ledger/index.ts';
import { AppError } from '../../platform/errors.ts';
import { guardFailure, guardsNow, positionOf, releaseReservation, reserveCapacity } from '../../control-plane/index.ts';
import type { Candidate } from '../domain/placement.ts';

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
  let list = candidates(rcs, nodes, job);
  let asked = false;
  let scheduled: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c.reason === 'spot' && job.numGpus === 1 && !asked) {
      // First spot candidate reached: the scheduler orders the cheapest eligible ones.
      asked = true;
      const s = await scheduleSpot(
        d,
        job,
        list.slice(i).filter((x) => x.reason === 'spot' && !revoked.has(x.providerId)),
        nodes,
      );
      if ('declined' in s) return { unplaced: s.declined };
      if (s.first) {
        scheduled = s.first.providerId;
        list = [...list.slice(0, i), s.first, ...list.slice(i).filter((x) => x.providerId !== scheduled)];
        i--;
        continue;
      }
    }
    if (revoked.has(c.providerId)) continue;
    if (c.providerId !== EXCHANGE_POOL && (await revokedProviders(d.revocations, [c.providerId])).size > 0) {
      revoked.add(c.providerId);
      if (c.providerId === scheduled) await releaseReservation({ store: d.controlPlane }, job.jobId, c.providerId);
      continue;
    }
    if (c.takeUnits > 0 && !(await takeUnits(d.store, c.providerId, { jobId: job.jobId, n: c.takeUnits, units: byId.get(c.providerId)!.units }))) {
      // The scheduler's pick had no unit left after all: its allocation goes.
      if (c.providerId === scheduled) await releaseReservation({ store: d.controlPlane }, job.jobId, c.providerId);
      continue;
    }
    return { placed: { providerId: c.providerId, reason: c.reason, detail: c.detail } };
  }
  const reason = unplacedReason(job);
  return { unplaced: revoked.size > 0 ? `${reason} (revoked, given no new jobs: ${[...revoked].sort().join(', ')})` : reason };
}

/** How many of the cheapest providers one placement asks the scheduler about (their units are read per provider). */
const MAX_SCHEDULED = 8;

/**
 * The scheduler's answer for a one-unit spot job among `spot` (the spot candidates, directory
 * order): the candidate it picked (least attained service among the cheapest), none (no
 * registered unit of theirs is free: keep the directory's order), or a guard's refusal.
 */
async function scheduleSpot(
  d: ProvidersDeps,
  job: PlaceRequest,
  spot: readonly Candidate[],
  nodes: ReadonlyMap<string, NodeView>,
): Promise<{ first?: Candidate } | { declined: string }> {
  if (spot.length === 0) return {};
  const priceOf = (c: Candidate) => nodes.get(c.providerId)!.spotPriceMicro;
  const cheapest = spot.reduce((m, c) => (priceOf(c) < m ? priceOf(c) : m), priceOf(spot[0]!));
  // The cheapest, at most MAX_SCHEDULED of them in the directory's order (most free units first).
  const eligible = spot.filter((c) => priceOf(c) === cheapest).slice(0, MAX_SCHEDULED);
  const cp = { rt: d.rt, store: d.controlPlane };
  // The buyer's ledger position and the guards as governed now: one round of reads.
  const [balanceMicro, arrears, guards] = await Promise.all([
    d.market.ledger.balance(account.user(job.ownerId)),
    d.market.ledger.balance(account.arrears(job.ownerId)),
    guardsNow(cp),
  ]);
  const position = positionOf({ balanceMicro, owedMicro: arrears < 0n ? -arrears : 0n }, guards);
  const scm = BigInt(Math.max(1, job.scmMinutes));
  // One provider at the cheapest price: nothing to choose, only the guards to pass.
  if (eligible.length === 1) {
    const failed = guardFailure(guards, position, cheapest, scm);
    return failed ? { declined: `${failed.reason}: ${failed.detail} (scheduler)` } : {};
  }
  const r = await reserveCapacity(
    cp,
    {
      jobId: job.jobId,
      tenantId: job.ownerId,
      // One unit: a MIG instance holds the job alone; a whole GPU's share is kept by the directory's hold.
      need: { memoryMb: 1n, sms: 1n },
      scm,
      priceMicro: cheapest,
      providerIds: eligible.map((c) => c.providerId),
      spreadTies: true,
    },
    position,
    guards,
  ).catch((err: unknown) => {
    // Placements racing for the same least-served unit: the directory's order decides this one.
    if (err instanceof AppError && err.code === 'capacity_contended') return null;
    throw err;
  });
  if (r === null) return {};
  if (r.status === 'accepted') {
    const c = eligible.find((x) => x.providerId === r.providerId)!;
    return { first: { ...c, detail: `${c.detail}; the scheduler's pick among the cheapest: unit ${r.unitId}, least attained service` } };
  }
  if (r.reason === 'insufficient_capacity') return {};
  return { declined: `${r.reason}: ${r.detail} (scheduler)` };
}

/** Gives back the units a job holds on a provider (none held, or given back already: false). */
export const release = (d: ProvidersDeps, providerId: string, jobId: string): Promise<boolean> =>
  providerId === EXCHANGE_POOL ? Promise.resolve(false) : releaseUnits(d.store, providerId, jobId);

/**
 * The job's scheduler allocation goes (attained service stays). The billing step calls it, after
 * the end: the directory's hold, given back at the end itself, is what the next claim needs.
 */
export async function settle(d: ProvidersDeps, providerId: string, jobId: string): Promise<void> {
  if (providerId !== EXCHANGE_POOL) await releaseReservation({ store: d.controlPlane }, jobId, providerId);
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
  release: (providerId: string, jobId: string) => release(d, providerId, jobId),
  settle: (providerId: string, jobId: string) => settle(d, providerId, jobId),
});
