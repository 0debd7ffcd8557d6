/**
 * /jobs/apply: cover finished jobs from the user's RCs, the rest at spot (see
 * domain/coverage.ts for the rule and the shortfall policy). One request carries one job
 * or a batch of one user's jobs on one provider (the control plane's hook collects the
 * completions of a sweep). Everything — escrow draws, spot payment, arrears, RC updates,
 * each job's allocation record (and a detail record per RC when a job draws several) —
 * is one ledger transfer: a job id is applied once, a repeat is a replay, another payload
 * a 409. A lost race on an RC (its version moved) or on the user's balance is re-planned.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../platform/errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import type { Runtime } from '../../platform/runtime.ts';
import type { Json } from '../../platform/canonical-json.ts';
import { account, ledgerFor, type Posting } from '../../ledger/index.ts';
import { runtimeToScu } from '../domain/catalog.ts';
import { MAX_JOBS_PER_APPLY, planJobs, type CoveragePlan, type RcDraw } from '../domain/coverage.ts';
import { jobDetailKey, jobKey, rcKey } from '../store/keys.ts';
import { cachedProvider, rcsOfOwner } from '../store/reads.ts';
import { replayOrReject, requestHash } from '../../platform/idempotency.ts';
import { backoff, GUARD_ATTEMPTS, keptChanging } from './contention.ts';

export interface JobUsage {
  jobId: string;
  scu?: bigint | undefined;
  runtimeSeconds?: bigint | undefined;
}

/** A job's usage as the API carries it (JSON numbers) in the use case's terms. */
export const usageFromJson = (j: { jobId: string; scu?: number | undefined; runtimeSeconds?: number | undefined }): JobUsage => ({
  jobId: j.jobId,
  scu: j.scu === undefined ? undefined : BigInt(j.scu),
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

export async function applyJob(rt: Runtime, req: JobApply): Promise<Applied> {
  const [one] = await applyJobs(rt, { userId: req.userId, providerId: req.providerId, jobs: [req], pathOf: () => 'body' });
  return one!;
}

/** Applies each job exactly once; results in request order. All new jobs commit together. */
export async function applyJobs(rt: Runtime, req: JobsApply): Promise<Applied[]> {
  const pathOf = req.pathOf ?? ((i: number) => `body.jobs.${i}`);
  if (req.jobs.length === 0 || req.jobs.length > MAX_JOBS_PER_APPLY) {
    throw new AppError('validation_failed', `give 1 to ${MAX_JOBS_PER_APPLY} jobs`, { issues: [{ path: 'body.jobs', message: `1 to ${MAX_JOBS_PER_APPLY} jobs` }] });
  }
  const seen = new Set<string>();
  req.jobs.forEach((j, i) => {
    if (seen.has(j.jobId)) throw new AppError('validation_failed', `job ${j.jobId} appears twice`, { issues: [{ path: `${pathOf(i)}.jobId`, message: 'duplicate job id' }] });
    seen.add(j.jobId);
  });
  const ledger = ledgerFor(rt);
  // No up-front lookup on this hot path: a replay fails an idempotency guard and the
  // stored results answer (or 409 for another payload).
  const provider = await cachedProvider(rt, req.providerId);
  if (!provider) throw new AppError('unknown_provider', `no provider "${req.providerId}"`, { issues: [{ path: 'body.providerId', message: 'unknown provider' }] });
  const jobs = req.jobs.map((j, i) => {
    const scu = j.scu ?? runtimeToScu(j.runtimeSeconds ?? 0n, provider.scmPerMinMilli);
    if (scu <= 0n) throw new AppError('validation_failed', `job ${j.jobId} used no SCU`, { issues: [{ path: `${pathOf(i)}.runtimeSeconds`, message: 'converts to zero SCU' }] });
    const hash = requestHash({ jobId: j.jobId, userId: req.userId, providerId: req.providerId, scu: j.scu?.toString() ?? null, runtimeSeconds: j.runtimeSeconds?.toString() ?? null });
    return { jobId: j.jobId, scu, hash };
  });

  const done = new Map<string, Applied>();
  for (let attempt = 1; ; attempt++) {
    const pending = jobs.filter((j) => !done.has(j.jobId));
    if (pending.length === 0) return jobs.map((j) => done.get(j.jobId)!);
    const nowIso = isoAt(rt.clock.nowMs());
    const rcs = await rcsOfOwner(rt, req.userId, req.providerId);
    const scus = pending.map((j) => j.scu);
    let batch = planJobs(rcs, nowIso, scus, provider.spotPriceMicro, 0n);
    if (batch.plans.some((p) => p.spotCostMicro > 0n)) batch = planJobs(rcs, nowIso, scus, provider.spotPriceMicro, await ledger.balance(account.user(req.userId)));
    const results = pending.map((j, i) => resultOf(req, j.jobId, j.scu, batch.plans[i]!, nowIso));
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
        extra: itemsOf(rt, req, pending, batch, results, nowIso),
        result: stored,
      });
      // A replay answers from the job records (a batch's ledger record only names its jobs).
      if (out.replayed) await settleApplied(rt, pending, done);
      else pending.forEach((j, i) => done.set(j.jobId, { result: results[i]!, replayed: false }));
    } catch (err) {
      if (err instanceof TransactionCancelledError && err.failed(/^job:/)) {
        // Some of these jobs were applied before: answer them from their records, retry the rest.
        await settleApplied(rt, pending, done);
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
async function settleApplied(rt: Runtime, pending: { jobId: string; hash: string }[], done: Map<string, Applied>): Promise<void> {
  const table = rt.table('market');
  const found = await Promise.all(pending.map((j) => rt.doc.send(new GetCommand({ TableName: table, Key: jobKey(j.jobId), ConsistentRead: true }))));
  let settled = 0;
  pending.forEach((j, i) => {
    const it = found[i]!.Item;
    const record = it && { requestHash: String(it.requestHash), result: JSON.parse(String(it.result)) as JobApplyResult };
    const result = replayOrReject(record, j.hash, `job ${j.jobId}`, { jobId: j.jobId });
    if (!result) return;
    done.set(j.jobId, { result, replayed: true });
    settled++;
  });
  if (settled === 0) throw new AppError('conflict', 'a job record changed while applying; retry');
}

function postingsOf(req: JobsApply, draws: RcDraw[], plans: CoveragePlan[]): Posting[] {
  const to = account.provider(req.providerId);
  const out: Posting[] = draws.filter((d) => d.usageMicro > 0n).map((d) => ({ from: account.escrow(d.rcId), to, amount: d.usageMicro }));
  const spotPaid = plans.reduce((s, p) => s + p.spotPaidMicro, 0n);
  const arrears = plans.reduce((s, p) => s + p.arrearsMicro, 0n);
  if (spotPaid > 0n) out.push({ from: account.user(req.userId), to, amount: spotPaid });
  if (arrears > 0n) out.push({ from: account.arrears(req.userId), to, amount: arrears });
  return out;
}

function resultOf(req: JobsApply, jobId: string, scu: bigint, plan: CoveragePlan, at: string) {
  return {
    jobId,
    userId: req.userId,
    providerId: req.providerId,
    totalScu: Number(scu),
    coveredScu: Number(plan.coveredScu),
    spotScu: Number(plan.spotScu),
    spotCost: formatAcu(plan.spotCostMicro),
    spotPaid: formatAcu(plan.spotPaidMicro),
    arrears: formatAcu(plan.arrearsMicro),
    payout: formatAcu(plan.payoutMicro),
    appliedAt: at,
    details: plan.draws.map((d) => ({ rcId: d.rcId, scu: Number(d.scu), feeUsage: formatAcu(d.usageMicro), rcStatus: d.statusAfter })),
  };
}

/** What GET /positions/{rcId} lists for one RC drawn by a job (read through gsi2). */
function allocationOf(jobId: string, d: RcDraw, at: string) {
  return { jobId, rcId: d.rcId, scu: d.scu, feeUsageMicro: d.usageMicro, gsi2pk: `RCALLOC#${d.rcId}`, gsi2sk: jobId, at };
}

function itemsOf(
  rt: Runtime,
  req: JobsApply,
  jobs: { jobId: string; hash: string }[],
  batch: ReturnType<typeof planJobs>,
  results: JobApplyResult[],
  at: string,
): LabelledItem[] {
  const table = rt.table('market');
  // Each RC once, at its state after the whole batch, guarded by the version read.
  const items: LabelledItem[] = batch.rcs.map((d) => ({
    label: `rc:${d.rcId}`,
    item: {
      Update: {
        TableName: table,
        Key: rcKey(d.rcId),
        UpdateExpression: 'SET usedScu = :u, escrowMicro = :e, #s = :s, version = :nv',
        ConditionExpression: 'version = :v AND #s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':u': d.usedScuAfter, ':e': d.escrowAfter, ':s': d.statusAfter, ':nv': d.version + 1n, ':v': d.version, ':active': 'ACTIVE' },
      },
    },
  }));
  jobs.forEach((j, i) => {
    const { draws } = batch.plans[i]!;
    // A job drawn from one RC (the common case) carries that RC's allocation itself, indexed
    // under RCALLOC#<rcId>: one item fewer. Several RCs: one detail record each.
    const [only] = draws;
    const inline = draws.length === 1 && only ? allocationOf(j.jobId, only, at) : {};
    items.push({
      label: `job:${j.jobId}`,
      item: {
        Put: {
          TableName: table,
          Item: { ...jobKey(j.jobId), ...inline, kind: 'job', jobId: j.jobId, userId: req.userId, providerId: req.providerId, requestHash: j.hash, result: JSON.stringify(results[i]), at },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    });
    if (draws.length > 1) {
      draws.forEach((d, n) => {
        items.push({ label: `detail:${j.jobId}:${n}`, item: { Put: { TableName: table, Item: { ...jobDetailKey(j.jobId, n), kind: 'jobDetail', ...allocationOf(j.jobId, d, at) } } } });
      });
    }
  });
  return items;
}
