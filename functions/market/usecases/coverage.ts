/**
 * /jobs/apply: cover finished jobs from the user's RCs, the rest at spot (see
 * domain/coverage.ts for the rule and the shortfall policy). One request carries one job
 * or a batch of one user's jobs on one provider (the control plane's hook collects the
 * completions of a sweep). Everything — escrow draws, spot payment, arrears, RC updates,
 * each job's allocation record (and a detail record per RC when a job draws several) —
 * is one ledger transfer: a job id is applied once, a repeat is a replay, another payload
 * a 409. A lost race on an RC (its version moved) or on the user's balance is re-planned.
 *
 * This transfer is the job's settlement: a job with metered slices comes with its SCU and
 * the TWAP its uncovered part pays; the governed hold fraction of the spot part goes to
 * `hold:<provider>` for the dispute window (its release or refund: holds.ts). The transfer id
 * is drawn before the transaction so that each job's result (and its receipt) names it.
 */
import { AppError } from '../../platform/errors.ts';
import { marketError } from '../errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import type { MarketDeps } from '../deps.ts';
import type { Json } from '../../platform/canonical-json.ts';
import { account, type Posting } from '../../ledger/index.ts';
import { runtimeToScu } from '../domain/catalog.ts';
import { scu, type Scu } from '../domain/units.ts';
import { MAX_JOBS_PER_APPLY, planJobs, usableRcs, type CoveragePlan, type RcDraw } from '../domain/coverage.ts';
import { holdReleaseAt } from '../domain/holds.ts';
import { freeScu } from '../domain/rc.ts';
import { appliedJobs, cachedProvider, rcsOfOwner } from '../store/reads.ts';
import { jobAllocation, jobAllocationDetail, rcChange, type RcAllocation } from '../store/writes.ts';
import { replayOrReject, requestHash } from '../../platform/idempotency.ts';
import { backoff, GUARD_ATTEMPTS, keptChanging } from './contention.ts';

export interface JobUsage {
  jobId: string;
  scu?: Scu | undefined;
  runtimeSeconds?: bigint | undefined;
  /** µACU per SCU for the uncovered part (a metered job's TWAP); absent: the spot price now. */
  spotPriceMicro?: bigint | undefined;
}

/** A job's usage as the API carries it (JSON numbers) in the use case's terms. */
export const usageFromJson = (j: { jobId: string; scu?: number | undefined; runtimeSeconds?: number | undefined }): JobUsage => ({
  jobId: j.jobId,
  scu: j.scu === undefined ? undefined : scu(BigInt(j.scu)),
  runtimeSeconds: j.runtimeSeconds === undefined ? undefined : BigInt(j.runtimeSeconds),
});

export interface JobApply extends JobUsage {
  userId: string;
  providerId: string;
}

export interface JobsApply {
  userId: string;
  providerId: string;
  jobs: JobUsage[];
  /** Where a job's fields sit in the request, for error paths (`body` or `body.jobs.<n>`). */
  pathOf?: (index: number) => string;
}

export type JobApplyResult = ReturnType<typeof resultOf>;

export interface Applied {
  result: JobApplyResult;
  replayed: boolean;
}

export async function applyJob(d: MarketDeps, req: JobApply): Promise<Applied> {
  const [one] = await applyJobs(d, { userId: req.userId, providerId: req.providerId, jobs: [req], pathOf: () => 'body' });
  return one!;
}

/** Applies each job exactly once; results in request order. All new jobs commit together. */
export async function applyJobs(d: MarketDeps, req: JobsApply): Promise<Applied[]> {
  const { rt, ledger, store } = d;
  const pathOf = req.pathOf ?? ((i: number) => `body.jobs.${i}`);
  if (req.jobs.length === 0 || req.jobs.length > MAX_JOBS_PER_APPLY) {
    throw new AppError('validation_failed', `give 1 to ${MAX_JOBS_PER_APPLY} jobs`, {
      issues: [{ path: 'body.jobs', message: `1 to ${MAX_JOBS_PER_APPLY} jobs` }],
    });
  }
  const seen = new Set<string>();
  req.jobs.forEach((j, i) => {
    if (seen.has(j.jobId))
      throw new AppError('validation_failed', `job ${j.jobId} appears twice`, { issues: [{ path: `${pathOf(i)}.jobId`, message: 'duplicate job id' }] });
    seen.add(j.jobId);
  });
  // No up-front lookup on this hot path: a replay fails an idempotency guard and the
  // stored results answer (or 409 for another payload).
  const provider = await cachedProvider(store, req.providerId, rt.clock.nowMs());
  if (!provider)
    throw marketError('unknown_provider', `no provider "${req.providerId}"`, { issues: [{ path: 'body.providerId', message: 'unknown provider' }] });
  const jobs = req.jobs.map((j, i) => {
    const scu = j.scu ?? runtimeToScu(j.runtimeSeconds ?? 0n, provider.scmPerMinMilli);
    if (scu <= 0n)
      throw new AppError('validation_failed', `job ${j.jobId} used no SCU`, {
        issues: [{ path: `${pathOf(i)}.runtimeSeconds`, message: 'converts to zero SCU' }],
      });
    const hash = requestHash({
      jobId: j.jobId,
      userId: req.userId,
      providerId: req.providerId,
      scu: j.scu?.toString() ?? null,
      runtimeSeconds: j.runtimeSeconds?.toString() ?? null,
      ...(j.spotPriceMicro === undefined ? {} : { spotPrice: j.spotPriceMicro.toString() }),
    });
    return { jobId: j.jobId, scu, hash, spotPriceMicro: j.spotPriceMicro };
  });

  // The uncovered part of an unmetered job is billed at the bucket's clearing price when the
  // oracle has one (the batch's SCU joins the demand); RCs keep the prices they were sold at.
  const unmetered = jobs.filter((j) => j.spotPriceMicro === undefined);
  const batchScu = unmetered.reduce((s, j) => s + j.scu, 0n);
  const [spotNow, holdBps] = await Promise.all([
    unmetered.length > 0 ? d.spotPrice?.({ gpuProfile: provider.gpuProfile, region: provider.region, jobScu: batchScu }) : undefined,
    d.holdFraction?.() ?? 0n,
  ]);
  const spotMicro = spotNow ?? provider.spotPriceMicro;
  const priced = jobs.map((j) => ({ ...j, spotPriceMicro: j.spotPriceMicro ?? spotMicro }));
  const done = new Map<string, Applied>();
  for (let attempt = 1; ; attempt++) {
    const pending = priced.filter((j) => !done.has(j.jobId));
    if (pending.length === 0) return jobs.map((j) => done.get(j.jobId)!);
    const nowMs = rt.clock.nowMs();
    const nowIso = isoAt(nowMs);
    const rcs = await rcsOfOwner(store, req.userId, req.providerId);
    let batch = planJobs(rcs, nowIso, pending, 0n, holdBps);
    if (batch.plans.some((p) => p.spotCostMicro > 0n)) batch = planJobs(rcs, nowIso, pending, await ledger.balance(account.user(req.userId)), holdBps);
    const transferId = rt.ids.next('txn');
    const settled = { transferId, holdReleaseAt: holdReleaseAt(nowMs), gpuProfile: provider.gpuProfile, region: provider.region };
    const results = pending.map((j, i) => resultOf(req, j, batch.plans[i]!, nowIso, settled));
    const one = pending.length === 1;
    // One job keeps the key `job:<id>`; a batch is keyed by what it holds.
    const batchHash = one ? pending[0]!.hash : requestHash(pending.map((j) => j.hash));
    const key = one ? `job:${pending[0]!.jobId}` : `jobs:${batchHash}`;
    // A batch's ledger record names its jobs; their results live once, on the job records
    // (a batch's results inline would be up to 20 × 0.5 KB on every idempotency record).
    const stored: Json = one ? results[0]! : { jobIds: pending.map((j) => j.jobId) };
    try {
      const out = await ledger.transfer({
        key,
        requestHash: batchHash,
        postings: postingsOf(req, batch.rcs, batch.plans),
        memo: one ? `job ${pending[0]!.jobId}` : `jobs ${pending[0]!.jobId} +${pending.length - 1}`,
        extra: itemsOf(d, req, pending, batch, results, nowIso, settled.holdReleaseAt),
        result: stored,
        transferId,
      });
      // A replay answers from the job records (a batch's ledger record only names its jobs).
      if (out.replayed) await settleApplied(d, pending, done);
      else pending.forEach((j, i) => done.set(j.jobId, { result: results[i]!, replayed: false }));
    } catch (err) {
      if (err instanceof TransactionCancelledError && err.failed(/^job:/)) {
        // Some of these jobs were applied before: answer them from their records, retry the rest.
        await settleApplied(d, pending, done);
        continue;
      }
      const lostRace = (err instanceof TransactionCancelledError && err.failed(/^rc:/)) || (err instanceof AppError && err.code === 'insufficient_funds');
      if (!lostRace) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`the RCs of ${req.userId} on ${req.providerId}`);
      await backoff(attempt);
    }
  }
}

/** Marks the jobs that already have a record as replays; another payload is a 409. */
async function settleApplied(d: MarketDeps, pending: { jobId: string; hash: string }[], done: Map<string, Applied>): Promise<void> {
  const found = await appliedJobs(
    d.store,
    pending.map((j) => j.jobId),
  );
  let settled = 0;
  pending.forEach((j, i) => {
    const record = found[i] as { requestHash: string; result: JobApplyResult } | undefined;
    const result = replayOrReject(record, j.hash, `job ${j.jobId}`, { jobId: j.jobId });
    if (!result) return;
    done.set(j.jobId, { result, replayed: true });
    settled++;
  });
  if (settled === 0) throw new AppError('conflict', 'a job record changed while applying; retry');
}

/**
 * The batch's money: RC escrow to the provider; the spot part from the user's balance (then
 * arrears) to the provider, except the held part, which goes to `hold:<provider>` (taken from
 * the balance first). The ledger nets postings per account.
 */
function postingsOf(req: JobsApply, draws: RcDraw[], plans: CoveragePlan[]): Posting[] {
  const to = account.provider(req.providerId);
  const held = account.hold(req.providerId);
  const out: Posting[] = draws.filter((d) => d.usageMicro > 0n).map((d) => ({ from: account.escrow(d.rcId), to, amount: d.usageMicro }));
  const spotPaid = plans.reduce((s, p) => s + p.spotPaidMicro, 0n);
  const arrears = plans.reduce((s, p) => s + p.arrearsMicro, 0n);
  const hold = plans.reduce((s, p) => s + p.holdMicro, 0n);
  const holdFromBalance = hold < spotPaid ? hold : spotPaid;
  const parts: [from: string, to: string, amount: bigint][] = [
    [account.user(req.userId), held, holdFromBalance],
    [account.user(req.userId), to, spotPaid - holdFromBalance],
    [account.arrears(req.userId), held, hold - holdFromBalance],
    [account.arrears(req.userId), to, arrears - (hold - holdFromBalance)],
  ];
  for (const [from, dest, amount] of parts) if (amount > 0n) out.push({ from, to: dest, amount });
  return out;
}

function resultOf(
  req: JobsApply,
  job: { jobId: string; scu: bigint; spotPriceMicro: bigint },
  plan: CoveragePlan,
  at: string,
  settled: { transferId: string; holdReleaseAt: string; gpuProfile: string; region: string },
) {
  return {
    jobId: job.jobId,
    userId: req.userId,
    providerId: req.providerId,
    gpuProfile: settled.gpuProfile,
    region: settled.region,
    totalScu: Number(job.scu),
    coveredScu: Number(plan.coveredScu),
    spotScu: Number(plan.spotScu),
    spotCost: formatAcu(plan.spotCostMicro),
    spotPaid: formatAcu(plan.spotPaidMicro),
    arrears: formatAcu(plan.arrearsMicro),
    payout: formatAcu(plan.payoutMicro),
    spotPrice: formatAcu(job.spotPriceMicro),
    hold: formatAcu(plan.holdMicro),
    holdReleaseAt: plan.holdMicro > 0n ? settled.holdReleaseAt : null,
    transferId: settled.transferId,
    appliedAt: at,
    details: plan.draws.map((d) => ({ rcId: d.rcId, scu: Number(d.scu), feeUsage: formatAcu(d.usageMicro), rcStatus: d.statusAfter })),
  };
}

const allocationOf = (jobId: string, d: RcDraw, at: string): RcAllocation => ({ jobId, rcId: d.rcId, scu: d.scu, feeUsageMicro: d.usageMicro, at });

function itemsOf(
  d: MarketDeps,
  req: JobsApply,
  jobs: { jobId: string; hash: string }[],
  batch: ReturnType<typeof planJobs>,
  results: JobApplyResult[],
  at: string,
  releaseAt: string,
): LabelledItem[] {
  // Each RC once, at its state after the whole batch, guarded by the version read (and still ACTIVE).
  const items: LabelledItem[] = batch.rcs.map((r) =>
    rcChange(
      d.store,
      { rcId: r.rcId, version: r.version },
      { usedScu: r.usedScuAfter, escrowMicro: r.escrowAfter, status: r.statusAfter },
      { activeOnly: true },
    ),
  );
  jobs.forEach((j, i) => {
    const { draws } = batch.plans[i]!;
    const [only] = draws;
    items.push(
      jobAllocation(d.store, {
        jobId: j.jobId,
        userId: req.userId,
        providerId: req.providerId,
        requestHash: j.hash,
        result: results[i],
        at,
        onlyDraw: draws.length === 1 && only ? allocationOf(j.jobId, only, at) : undefined,
        hold: batch.plans[i]!.holdMicro > 0n ? { amountMicro: batch.plans[i]!.holdMicro, releaseAt } : undefined,
      }),
    );
    if (draws.length > 1) draws.forEach((r, n) => items.push(jobAllocationDetail(d.store, n, allocationOf(j.jobId, r, at))));
  });
  return items;
}

/** A usable RC as placement sees it: whose capacity it holds and how much is left. */
export interface UsableRc {
  rcId: string;
  providerId: string;
  expiresAt: string;
  freeScu: bigint;
}

/**
 * The user's usable RCs in the order coverage draws them (the burn-down order: earliest expiry
 * first), so that placement sends a job where its RCs will actually cover it.
 */
export async function burnDownOrder(d: Pick<MarketDeps, 'rt' | 'store'>, userId: string): Promise<UsableRc[]> {
  const nowIso = isoAt(d.rt.clock.nowMs());
  return usableRcs(await rcsOfOwner(d.store, userId), nowIso).map((r) => ({
    rcId: r.rcId,
    providerId: r.providerId,
    expiresAt: r.expiresAt,
    freeScu: freeScu(r),
  }));
}
