/**
 * Billing jobs when they end (consumed from the jobBilling queue, fed by the rule on terminal
 * `Job State Changed` events): the billed-endings rule (domain/bill.ts), the runtime between the
 * signed attestations, and the market's coverage (`applyJobs`: the buyer's RCs on that provider,
 * earliest expiry first, the rest at spot) — exactly once. Completions of one buyer on one
 * provider that arrive together are applied as one batch (one ledger transaction). The market
 * keeps one allocation record per job id, so a redelivered event, a crash between the ledger
 * write and the job update, or a second terminal event of the same job all end in one ledger
 * movement (a replay answers the first result); the job's bill is then recorded once (guarded).
 * Jobs of the exchange's own pool are billed to `provider:exchange` the same way. The units an
 * ended job held on its provider are given back here as well, in case its ending could not.
 *
 * A job with metered slices is billed what they say (whole SCM, its TWAP for the spot part);
 * the transfer is the settlement; its signed receipt is written before the bill is recorded
 * (once: a redelivery's receipt finds the first one there), so a job with a bill has its
 * receipt. A receipt that cannot be written fails the message, which comes back; on a cloud
 * stage with no signing seed the bill stands and the note says no receipt.
 */
import { allSettledOrThrow } from '../../platform/settled.ts';
import { isoAt } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { applyJobs, ensureExchangePool, MAX_JOBS_PER_APPLY, scu, type JobApplyResult, type JobsApply } from '../../market/index.ts';
import type { JobsDeps } from '../deps.ts';
import type { Job } from '../domain/job.ts';
import { billability, runtimeSeconds, type BillingRule, type JobBill } from '../domain/bill.ts';
import { EXCHANGE_POOL } from '../domain/placement.ts';
import { getJob, recordBill } from '../store/job-store.ts';
import { bucketIdOf, issueReceipt, usageOf, type MeteredUsage, type SettledAmounts } from '../../control-plane/index.ts';
import { parseAcu } from '../../platform/money.ts';
import { isTerminal } from '../domain/lifecycle.ts';
import { giveBackUnits } from './finish.ts';
import { sendSteps } from './notify.ts';

interface Billable {
  job: Job & { providerId: string };
  rule: BillingRule;
  runtime: bigint;
  usage?: MeteredUsage;
}

/** Billed from its slices when they hold SCM, else from the attested runtime. */
const isMetered = (b: Billable): boolean => (b.usage?.billedScm ?? 0n) > 0n && b.usage?.twapMicro != null;

/** Why a job is not billed now (a note), or what to bill. */
function billableOf(job: Job | null): Billable | string {
  if (!job) return 'unknown job';
  if (job.bill) return 'billed already';
  const b = billability({ status: job.status, reason: job.reason, hasCreation: Boolean(job.creation) });
  if (!b.billed) return `not billed: ${b.why}`;
  if (!job.providerId) return 'not billed: placed nowhere';
  // A container that existed is billed at least one second (its creation was attested).
  const end = job.deletion?.destroyedAt ?? job.endedAt ?? job.creation!.createdAt;
  const seconds = runtimeSeconds(job.creation!.createdAt, end);
  return { job: job as Billable['job'], rule: b.rule, runtime: seconds > 0n ? seconds : 1n };
}

const billOf = (b: Billable, r: JobApplyResult, at: string): JobBill => ({
  basis: isMetered(b) ? 'metered' : 'runtime',
  spotPrice: r.spotPrice,
  hold: r.hold,
  holdReleaseAt: r.holdReleaseAt,
  transferId: r.transferId,
  rule: b.rule,
  providerId: b.job.providerId,
  runtimeSeconds: Number(b.runtime),
  scu: r.totalScu,
  coveredScu: r.coveredScu,
  spotScu: r.spotScu,
  rcDraws: r.details.map((x) => ({ rcId: x.rcId, scu: x.scu, amount: x.feeUsage })),
  spotAmount: r.spotCost,
  amount: r.payout,
  arrears: r.arrears,
  billedAt: at,
});

/** What the settlement transfer moved for one job, as its receipt records it. */
const settledOf = (b: Billable, r: JobApplyResult): SettledAmounts => {
  const hold = parseAcu(r.hold);
  return {
    scm: BigInt(r.totalScu),
    basis: isMetered(b) ? 'metered' : 'runtime',
    coveredScm: BigInt(r.coveredScu),
    spotScm: BigInt(r.spotScu),
    twapMicro: parseAcu(r.spotPrice),
    rcDraws: r.details.map((x) => ({ rcId: x.rcId, scm: BigInt(x.scu), amountMicro: parseAcu(x.feeUsage) })),
    burnMicro: parseAcu(r.spotCost),
    arrearsMicro: parseAcu(r.arrears),
    holdMicro: hold,
    providerMicro: parseAcu(r.payout) - hold,
    ledgerTransferIds: [r.transferId],
  };
};

export interface BillingOutcome {
  /** Jobs whose billing failed (their messages come back). */
  failed: string[];
  notes: string[];
}

/** The market's coverage; the exchange pool's catalog entry is put the first time a job of the pool is billed. */
async function apply(d: JobsDeps, req: JobsApply) {
  try {
    return await applyJobs(d.market, req);
  } catch (err) {
    if (!(req.providerId === EXCHANGE_POOL && err instanceof AppError && err.code === 'unknown_provider')) throw err;
    await ensureExchangePool(d.market);
    return applyJobs(d.market, req);
  }
}

export async function billJobs(d: JobsDeps, jobIds: readonly string[]): Promise<BillingOutcome> {
  const ids = [...new Set(jobIds)];
  const jobs = await Promise.all(ids.map((id) => getJob(d.store, id)));
  const notes: string[] = [];
  // The units an ended job held go back here too (idempotent): its ending gave them back unless it crashed first.
  const gaveBack = await allSettledOrThrow(jobs.map((j) => (j && isTerminal(j.status) ? giveBackUnits(d, j) : Promise.resolve(false))));
  // And their scheduler allocations (off the ending's path: nothing waits on them).
  await allSettledOrThrow(
    jobs.map((j) => (j && isTerminal(j.status) && j.providerId && d.placer.settle ? d.placer.settle(j.providerId, j.jobId) : Promise.resolve())),
  );
  if (gaveBack.some(Boolean)) {
    notes.push(`units given back for ${gaveBack.filter(Boolean).length} job(s)`);
    await sendSteps(d, [{ kind: 'dispatch' }]);
  }
  const groups = new Map<string, Billable[]>();
  const billable: Billable[] = [];
  jobs.forEach((job, i) => {
    const b = billableOf(job);
    if (typeof b === 'string') return notes.push(`${ids[i]}: ${b}`);
    billable.push(b);
    const key = `${b.job.ownerId}\u0000${b.job.providerId}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  });
  const usages = await Promise.all(billable.map((b) => usageOf(d.controlPlane, b.job.jobId)));
  billable.forEach((b, i) => (b.usage = usages[i]!));
  const signs = d.controlPlane.canSign();
  if (!signs && billable.length > 0) notes.push(`no receipts: stage ${d.rt.config.VRACU_STAGE} has no VRACU_RECEIPT_SIGNING_SEED`);
  const failed: string[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += MAX_JOBS_PER_APPLY) {
      const chunk = group.slice(i, i + MAX_JOBS_PER_APPLY);
      const { ownerId, providerId } = chunk[0]!.job;
      try {
        const applied = await apply(d, {
          userId: ownerId,
          providerId,
          jobs: chunk.map((b) =>
            isMetered(b)
              ? { jobId: b.job.jobId, scu: scu(b.usage!.billedScm), spotPriceMicro: b.usage!.twapMicro! }
              : { jobId: b.job.jobId, runtimeSeconds: b.runtime },
          ),
        });
        d.fault('billing:after-apply');
        const at = isoAt(d.rt.clock.nowMs());
        for (const [n, b] of chunk.entries()) {
          const r = applied[n]!;
          // The receipt before the bill: the bill on the job is the last step, so a job with a bill has its receipt.
          const receipt = signs
            ? await issueReceipt(d.controlPlane, {
                jobId: b.job.jobId,
                buyerId: ownerId,
                providerId,
                bucketId: bucketIdOf(r.result.gpuProfile, r.result.region),
                usage: b.usage!,
                settled: settledOf(b, r.result),
              })
            : undefined;
          d.fault('billing:after-receipt');
          const wrote = await recordBill(d.store, b.job.jobId, billOf(b, r.result, at));
          notes.push(
            `${b.job.jobId}: ${wrote ? 'billed' : 'bill recorded already'} ${r.result.totalScu} SCU = ${r.result.payout} ACU${r.replayed ? ' (ledger replay)' : ''}${receipt ? (receipt.replayed ? ', receipt issued already' : ', receipt signed') : ''}`,
          );
        }
      } catch (err) {
        failed.push(...chunk.map((b) => b.job.jobId));
        notes.push(`${chunk.length} job(s) of ${ownerId} on ${providerId} failed: ${(err as Error).message}`);
      }
    }
  }
  return { failed, notes };
}
