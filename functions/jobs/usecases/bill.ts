/**
 * Billing a job when it ends (consumed from the jobBilling queue, fed by the rule on terminal
 * `Job State Changed` events): the billed-endings rule (domain/bill.ts), the runtime between the
 * signed attestations, and the market's coverage (`applyJobs`: the buyer's RCs on that provider,
 * earliest expiry first, the rest at spot) — exactly once. The market keys the application by
 * the job id (`job:<jobId>`), so a redelivered event, a crash between the ledger write and the
 * job update, or a second terminal event of the same job all end in one ledger transfer; the
 * job's bill is then recorded once (guarded).
 */
import { isoAt } from '../../platform/clock.ts';
import { applyJobs } from '../../market/index.ts';
import type { JobsDeps } from '../deps.ts';
import { billability, runtimeSeconds, type JobBill } from '../domain/bill.ts';
import { EXCHANGE_POOL } from '../domain/placement.ts';
import { getJob, recordBill } from '../store/job-store.ts';

export async function billJob(d: JobsDeps, jobId: string): Promise<string> {
  const job = await getJob(d.store, jobId);
  if (!job) return 'unknown job';
  if (job.bill) return 'billed already';
  const b = billability({ status: job.status, reason: job.reason, hasCreation: Boolean(job.creation) });
  if (!b.billed) return `not billed: ${b.why}`;
  if (!job.providerId || job.providerId === EXCHANGE_POOL) return 'not billed: exchange_pool';
  // A container that existed is billed at least one second (its creation was attested).
  const end = job.deletion?.destroyedAt ?? job.endedAt ?? job.creation!.createdAt;
  const seconds = runtimeSeconds(job.creation!.createdAt, end);
  const runtime = seconds > 0n ? seconds : 1n;
  const [applied] = await applyJobs(d.market, { userId: job.ownerId, providerId: job.providerId, jobs: [{ jobId, runtimeSeconds: runtime }] });
  const r = applied!.result;
  d.fault('billing:after-apply');
  const bill: JobBill = {
    rule: b.rule,
    providerId: job.providerId,
    runtimeSeconds: Number(runtime),
    scu: r.totalScu,
    coveredScu: r.coveredScu,
    spotScu: r.spotScu,
    rcDraws: r.details.map((x) => ({ rcId: x.rcId, scu: x.scu, amount: x.feeUsage })),
    spotAmount: r.spotCost,
    amount: r.payout,
    arrears: r.arrears,
    billedAt: isoAt(d.rt.clock.nowMs()),
  };
  const wrote = await recordBill(d.store, jobId, bill);
  return `${wrote ? 'billed' : 'bill recorded already'} ${r.totalScu} SCU (${r.coveredScu} from RCs) = ${r.payout} ACU${applied!.replayed ? ' (ledger replay)' : ''}`;
}
