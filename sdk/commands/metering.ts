/** `vracu metering slice` (provider): one usage slice of a running job (seed §8.2). */
import type { Command } from 'commander';
import { wholeOrText, type CliContext } from '../cli/context.ts';
import { sliceRoute } from '../../functions/control-plane/api.ts';

export function registerMetering(program: Command, ctx: CliContext): void {
  const g = program.command('metering').description('usage metering: slices of SCM per job, content-idempotent (provider)');
  g.command('slice')
    .description('record a slice {job, bucket, seq, SCM delta, price index}: a repeat is a no-op, another slice at the same seq is refused')
    .requiredOption('--job <id>', 'the job')
    .requiredOption('--bucket <id>', 'its bucket, <gpuProfile>:<region>')
    .requiredOption('--seq <n>', 'the slice number, from 0')
    .requiredOption('--scm-milli <n>', 'SCM used in this slice, in thousandths (whole)')
    .requiredOption('--price-index <acu>', 'the price index in ACU per SCM')
    .action(async (o: { job: string; bucket: string; seq: string; scmMilli: string; priceIndex: string }) => {
      const seq = wholeOrText(o.seq);
      const r = await ctx.client().call(sliceRoute, { body: { jobId: o.job, bucketId: o.bucket, seq, scmDeltaMilli: o.scmMilli, priceIndex: o.priceIndex } });
      ctx.print(r, (d: typeof r) => `${d.outcome}  ${d.digest}`);
    });
}
