/**
 * Futures market commands: `vracu market`, `curve`, `quote`, `buy`, `portfolio`,
 * `position`, `listings`, `list`, `unlist`, `trade`, `jobs-apply`, `jobs-apply-batch`,
 * `job-allocations`,
 * `expire`, `providers-load`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import * as m from '../../functions/market/api.ts';
import { whoami } from '../../functions/platform/api.ts';
import { table, type CliContext } from '../cli/context.ts';
import { MAX_JOBS_PER_APPLY } from '../../functions/market/domain/coverage.ts';

const int =
  (name: string) =>
  (v: string): number => {
    if (!/^\d{1,10}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return Number(v);
  };

const rcRow = (r: {
  rcId: string;
  providerId: string;
  tenor: string;
  status: string;
  maxScu: number;
  usedScu: number;
  listedScu: number;
  lockPrice: string;
  escrow: string;
  expiresAt: string;
}) => ({
  rc: r.rcId,
  provider: r.providerId,
  tenor: r.tenor,
  status: r.status,
  used: `${r.usedScu}/${r.maxScu}`,
  listed: r.listedScu,
  lock: r.lockPrice,
  escrow: r.escrow,
  expires: r.expiresAt,
});

/** How one job was covered, as `jobs-apply` and `jobs-apply-batch` print it. */
const coverageLine = (j: { jobId: string; coveredScu: number; spotScu: number; spotCost: string; arrears: string; payout: string; replayed: boolean }) =>
  `job ${j.jobId}: ${j.coveredScu} SCU from RCs, ${j.spotScu} at spot (${j.spotCost} ACU, arrears ${j.arrears}); provider paid ${j.payout}${j.replayed ? ' [replayed]' : ''}`;

type JobUsageArg = { jobId: string; scu: number } | { jobId: string; runtimeSeconds: number };

/** `--job id=12` (SCU) or `--job id=90s` (runtime seconds), collected in order. */
function jobUsage(v: string, prior: JobUsageArg[]): JobUsageArg[] {
  const m = /^([A-Za-z0-9_.:-]{1,128})=(\d{1,10})(s?)$/.exec(v);
  if (!m || Number(m[2]) < 1) throw new InvalidArgumentError(`--job expects <jobId>=<scu> or <jobId>=<seconds>s, got "${v}"`);
  const n = Number(m[2]);
  return [...prior, m[3] ? { jobId: m[1]!, runtimeSeconds: n } : { jobId: m[1]!, scu: n }];
}

export function registerMarket(program: Command, ctx: CliContext): void {
  program
    .command('market')
    .description('lock price, fee split and capacity per provider and tenor')
    .option('--tenor <tenor>', 'T7D, T30D, T90D or T180D')
    .option('--gpu <profile>', 'GPU profile, e.g. H100')
    .option('--region <region>', 'region, e.g. us-east')
    .action(async (o: { tenor?: string; gpu?: string; region?: string }) => {
      const r = await ctx.client().call(m.marketRoute, { query: { tenor: o.tenor, gpuProfile: o.gpu, region: o.region } });
      ctx.print(r, (d: typeof r) =>
        table(
          d.stats.map((s) => ({
            provider: s.providerId,
            gpu: s.gpuProfile,
            region: s.region,
            tenor: s.tenor,
            lock: s.lockPrice,
            commit: s.feeCommit,
            usage: s.feeUsage,
            remaining: s.remainingScu,
            util: s.utilization,
          })),
        ),
      );
    });

  program
    .command('curve <provider>')
    .description("one provider's curve across tenors")
    .action(async (id: string) => {
      const r = await ctx.client().call(m.curveRoute, { params: { id } });
      ctx.print(
        r,
        (d: typeof r) =>
          `${d.provider.providerId} (${d.provider.gpuProfile}, ${d.provider.region}) spot ${d.provider.spotPrice}\n${table(d.curve.map((s) => ({ tenor: s.tenor, lock: s.lockPrice, commit: s.feeCommit, usage: s.feeUsage, termPremium: s.termPremium, remaining: s.remainingScu })))}`,
      );
    });

  program
    .command('quote')
    .description('quote a forward reservation (valid 60 s)')
    .requiredOption('--tenor <tenor>', 'T7D, T30D, T90D or T180D')
    .requiredOption('--scu <n>', 'quantity in SCU', int('--scu'))
    .option('--gpu <profile>', 'GPU profile')
    .option('--region <region>', 'region')
    .option('--provider <id...>', 'only these providers')
    .action(async (o: { tenor: string; scu: number; gpu?: string; region?: string; provider?: string[] }) => {
      const r = await ctx.client().call(m.quoteRoute, {
        body: {
          tenor: o.tenor,
          quantityScu: o.scu,
          ...(o.gpu ? { gpuProfile: o.gpu } : {}),
          ...(o.region ? { region: o.region } : {}),
          ...(o.provider ? { providerIds: o.provider } : {}),
        },
      });
      ctx.print(
        r,
        (d: typeof r) =>
          `quote ${d.quoteId} (expires ${d.expiresAt})${d.partial ? ' PARTIAL' : ''}: ${d.filledScu}/${d.requestedScu} SCU for ${d.total} ACU\n${table(d.allocations)}`,
      );
    });

  program
    .command('buy <quoteId>')
    .description('purchase a quote; prints the minted RCs')
    .option('--max-drift-bps <n>', 'accepted price rise since the quote, basis points (default 100)', (v) => Number(v))
    .option('--idempotency-key <key>', 'retry-safe key (default: derived from the quote id)')
    .action(async (quoteId: string, o: { maxDriftBps?: number; idempotencyKey?: string }) => {
      const r = await ctx.client().call(m.purchaseRoute, {
        body: { quoteId, ...(o.maxDriftBps !== undefined ? { maxDriftBps: o.maxDriftBps } : {}) },
        ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
      });
      ctx.print(
        r,
        (d: typeof r) =>
          `paid ${d.total} ACU (commit ${d.commitTotal}, escrow ${d.escrowTotal})${d.replayed ? ' [replayed]' : ''}\n${table(d.reservations.map(rcRow))}`,
      );
    });

  program
    .command('portfolio [userId]')
    .description('your RCs (or a user’s, as admin)')
    .action(async (userId?: string) => {
      const c = ctx.client();
      const id = userId ?? (await c.call(whoami)).principalId;
      const r = await c.call(m.portfolioRoute, { params: { userId: id } });
      ctx.print(r, (d: typeof r) => table(d.reservations.map(rcRow)));
    });

  program
    .command('position <rcId>')
    .description('one RC with its job allocations and listings')
    .action(async (rcId: string) => {
      const r = await ctx.client().call(m.positionRoute, { params: { rcId } });
      ctx.print(r, (d: typeof r) => `${table([rcRow(d.reservation)])}\n\nallocations\n${table(d.allocations)}\n\nlistings\n${table(d.listings)}`);
    });

  program
    .command('listings')
    .description('open secondary-market listings')
    .option('--provider <id>', 'only this provider')
    .option('--tenor <tenor>', 'only this tenor')
    .action(async (o: { provider?: string; tenor?: string }) => {
      const r = await ctx.client().call(m.listingsRoute, { query: { providerId: o.provider, tenor: o.tenor } });
      ctx.print(r, (d: typeof r) =>
        table(
          d.listings.map((l) => ({
            listing: l.listingId,
            rc: l.rcId,
            seller: l.sellerId,
            provider: l.providerId,
            tenor: l.tenor,
            available: l.scuAvailable,
            ask: l.askPrice,
          })),
        ),
      );
    });

  program
    .command('list <rcId>')
    .description('offer unlisted remaining SCU of your RC for sale')
    .requiredOption('--scu <n>', 'SCU to sell', int('--scu'))
    .requiredOption('--ask <acu>', 'ask price per SCU, ACU (up to 6 decimals)')
    .action(async (rcId: string, o: { scu: number; ask: string }) => {
      const r = await ctx.client().call(m.listingCreateRoute, { body: { rcId, scu: o.scu, askPrice: o.ask } });
      ctx.print(r, (d: typeof r) => `listing ${d.listingId}: ${d.scuAvailable} SCU of ${d.rcId} at ${d.askPrice} ACU/SCU`);
    });

  program
    .command('unlist <listingId>')
    .description('cancel your open listing')
    .action(async (id: string) => {
      const r = await ctx.client().call(m.listingCancelRoute, { params: { id } });
      ctx.print(r, (d: typeof r) => `listing ${d.listingId} ${d.status}`);
    });

  program
    .command('trade <listingId>')
    .description('buy SCU from a listing; you receive a child RC')
    .requiredOption('--scu <n>', 'SCU to buy', int('--scu'))
    .option('--idempotency-key <key>', 'retry-safe key')
    .action(async (listingId: string, o: { scu: number; idempotencyKey?: string }) => {
      const r = await ctx.client().call(m.tradeRoute, { body: { listingId, scu: o.scu }, ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}) });
      ctx.print(
        r,
        (d: typeof r) =>
          `trade ${d.tradeId}: ${d.scu} SCU for ${d.total} ACU; your RC ${d.buyerRcId} (escrow ${d.escrowMoved})${d.replayed ? ' [replayed]' : ''}`,
      );
    });

  program
    .command('jobs-apply <jobId>')
    .description('apply a finished job to the user’s RCs (operator)')
    .requiredOption('--user <id>', 'the job’s user')
    .requiredOption('--provider <id>', 'the provider that ran it')
    .option('--scu <n>', 'SCU used', int('--scu'))
    .option('--runtime-seconds <n>', 'runtime, converted with the provider calibration', int('--runtime-seconds'))
    .action(async (jobId: string, o: { user: string; provider: string; scu?: number; runtimeSeconds?: number }) => {
      const r = await ctx.client().call(m.jobApplyRoute, {
        body: {
          jobId,
          userId: o.user,
          providerId: o.provider,
          ...(o.scu ? { scu: o.scu } : {}),
          ...(o.runtimeSeconds ? { runtimeSeconds: o.runtimeSeconds } : {}),
        },
      });
      ctx.print(r, coverageLine);
    });

  program
    .command('jobs-apply-batch')
    .description('apply finished jobs of one user on one provider, in order, in one transaction (operator)')
    .requiredOption('--user <id>', 'the jobs’ user')
    .requiredOption('--provider <id>', 'the provider that ran them')
    .requiredOption(
      '--job <jobId=usage...>',
      'a job and its usage: <jobId>=<scu> or <jobId>=<seconds>s (runtime); repeat up to ' + MAX_JOBS_PER_APPLY + ' times',
      jobUsage,
      [],
    )
    .action(async (o: { user: string; provider: string; job: JobUsageArg[] }) => {
      const r = await ctx.client().call(m.jobsApplyBatchRoute, { body: { userId: o.user, providerId: o.provider, jobs: o.job } });
      ctx.print(r, (d: typeof r) => d.jobs.map(coverageLine).join('\n'));
    });

  program
    .command('job-allocations <jobId>')
    .description('how a job was covered')
    .action(async (jobId: string) => {
      const r = await ctx.client().call(m.jobAllocationsRoute, { params: { jobId } });
      ctx.print(r, (d: typeof r) => `job ${d.jobId}: ${d.coveredScu} covered, ${d.spotScu} at spot\n${table(d.details)}`);
    });

  program
    .command('expire')
    .description('run the RC expiry sweep now (admin)')
    .option('--limit <n>', 'at most this many RCs', int('--limit'))
    .action(async (o: { limit?: number }) => {
      const r = await ctx.client().call(m.expireRoute, { body: o.limit ? { limit: o.limit } : {} });
      ctx.print(
        r,
        (d: typeof r) =>
          `expired ${d.expiredCount} of ${d.scanned} due: refunded ${d.refundTotal}, breakage ${d.breakageTotal}${d.busy ? `; ${d.busy} busy, left for the next sweep` : ''}${d.unscannedShards ? `; ${d.unscannedShards} index shards unread, swept next time` : ''}`,
      );
    });

  program
    .command('providers-load')
    .description('load the 13 fixture providers into the catalog (admin)')
    .action(async () => {
      const r = await ctx.client().call(m.providersLoadRoute, { body: {} });
      ctx.print(r, (d: typeof r) => `loaded ${d.loaded} providers`);
    });
}
