/**
 * /jobs/apply: cover a finished job from the user's RCs, the rest at spot (see
 * domain/coverage.ts for the rule and the shortfall policy). Everything — escrow draws,
 * spot payment, arrears, RC updates, the allocation record (and a detail record per RC
 * when several are drawn) — is one ledger
 * transfer keyed `job:<jobId>`: a duplicate is a replay, another payload a 409.
 * A lost race on an RC (its version moved) or on the user's balance is re-planned.
 */
import { AppError } from '../../platform/errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import type { Runtime } from '../../platform/runtime.ts';
import type { Json } from '../../platform/canonical-json.ts';
import { account, ledgerFor, type Posting } from '../../ledger/ledger.ts';
import { runtimeToScu } from '../domain/catalog.ts';
import { planCoverage, type CoveragePlan } from '../domain/coverage.ts';
import { jobDetailKey, jobKey, rcKey } from '../store/keys.ts';
import { cachedProvider, rcsOfOwner } from '../store/reads.ts';
import { requestHash } from './hash.ts';

export interface JobApply {
  jobId: string;
  userId: string;
  providerId: string;
  scu?: bigint | undefined;
  runtimeSeconds?: bigint | undefined;
}

const ATTEMPTS = 12;

export async function applyJob(rt: Runtime, req: JobApply): Promise<{ result: Json; replayed: boolean }> {
  const ledger = ledgerFor(rt);
  const key = `job:${req.jobId}`;
  const hash = requestHash({ jobId: req.jobId, userId: req.userId, providerId: req.providerId, scu: req.scu?.toString() ?? null, runtimeSeconds: req.runtimeSeconds?.toString() ?? null });
  // No up-front lookup on this hot path: a replay fails the transfer's idempotency guard
  // and the ledger answers with the stored result (or 409 for another payload).
  const provider = await cachedProvider(rt, req.providerId);
  if (!provider) throw new AppError('unknown_provider', `no provider "${req.providerId}"`, { issues: [{ path: 'body.providerId', message: 'unknown provider' }] });
  const scu = req.scu ?? runtimeToScu(req.runtimeSeconds ?? 0n, provider.scmPerMinMilli);
  if (scu <= 0n) throw new AppError('validation_failed', 'the job used no SCU', { issues: [{ path: 'body.runtimeSeconds', message: 'converts to zero SCU' }] });

  for (let attempt = 1; ; attempt++) {
    const nowIso = isoAt(rt.clock.nowMs());
    const rcs = await rcsOfOwner(rt, req.userId, req.providerId);
    let plan = planCoverage(rcs, nowIso, scu, provider.spotPriceMicro, 0n);
    if (plan.spotCostMicro > 0n) plan = planCoverage(rcs, nowIso, scu, provider.spotPriceMicro, await ledger.balance(account.user(req.userId)));
    const result = resultOf(req, scu, plan, nowIso);
    try {
      const out = await ledger.transfer({ key, requestHash: hash, postings: postingsOf(req, plan), memo: `job ${req.jobId}`, extra: itemsOf(rt, req, plan, result, nowIso), result });
      return { result: out.result, replayed: out.replayed };
    } catch (err) {
      const lostRace = (err instanceof TransactionCancelledError && err.failed(/^rc:/)) || (err instanceof AppError && err.code === 'insufficient_funds');
      if (!lostRace || attempt >= ATTEMPTS) {
        if (lostRace) throw new AppError('conflict', `job ${req.jobId}: the user's RCs kept changing; retry`);
        if (err instanceof TransactionCancelledError && err.failed('job')) throw new AppError('exists_with_different_payload', `job ${req.jobId} was already applied`);
        throw err;
      }
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}

function postingsOf(req: JobApply, plan: CoveragePlan): Posting[] {
  const to = account.provider(req.providerId);
  const out: Posting[] = plan.draws.filter((d) => d.usageMicro > 0n).map((d) => ({ from: account.escrow(d.rcId), to, amount: d.usageMicro }));
  if (plan.spotPaidMicro > 0n) out.push({ from: account.user(req.userId), to, amount: plan.spotPaidMicro });
  if (plan.arrearsMicro > 0n) out.push({ from: account.arrears(req.userId), to, amount: plan.arrearsMicro });
  return out;
}

function resultOf(req: JobApply, scu: bigint, plan: CoveragePlan, at: string) {
  return {
    jobId: req.jobId,
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
function allocationOf(jobId: string, d: CoveragePlan['draws'][number], at: string) {
  return { jobId, rcId: d.rcId, scu: d.scu, feeUsageMicro: d.usageMicro, gsi2pk: `RCALLOC#${d.rcId}`, gsi2sk: jobId, at };
}

function itemsOf(rt: Runtime, req: JobApply, plan: CoveragePlan, result: Json, at: string): LabelledItem[] {
  const table = rt.table('market');
  const items: LabelledItem[] = plan.draws.map((d) => ({
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
  // A job drawn from one RC (the common case) carries that RC's allocation itself, indexed
  // under RCALLOC#<rcId>: one item fewer in the hot transaction. Several RCs: one detail each.
  const [only] = plan.draws;
  const inline = plan.draws.length === 1 && only ? allocationOf(req.jobId, only, at) : {};
  items.push({
    label: 'job',
    item: {
      Put: {
        TableName: table,
        Item: { ...jobKey(req.jobId), ...inline, kind: 'job', jobId: req.jobId, userId: req.userId, providerId: req.providerId, result: JSON.stringify(result), at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  });
  if (plan.draws.length > 1) {
    plan.draws.forEach((d, n) => {
      items.push({ label: `detail:${n}`, item: { Put: { TableName: table, Item: { ...jobDetailKey(req.jobId, n), kind: 'jobDetail', ...allocationOf(req.jobId, d, at) } } } });
    });
  }
  return items;
}
