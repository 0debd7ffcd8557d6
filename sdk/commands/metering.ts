/**
 * `vracu metering slice` (provider): one usage slice of a running job (seed §8.2), signed with
 * this machine's node key (the one `vracu-provider init` made and the exchange verified; its
 * config dir: --node-dir, env VRACU_PROVIDER_CONFIG, default ~/.vracu/provider). The exchange
 * records only slices its provider's node signed.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { wholeOrText, type CliContext } from '../cli/context.ts';
import { sliceRoute } from '../../functions/control-plane/api.ts';
import { sliceMessage } from '../../functions/control-plane/domain/metering.ts';
import { parseAcu } from '../../functions/platform/money.ts';
import { loadNodeKey, loadState, providerConfigDir } from '../provider/config.ts';
import { signCanonical } from '../provider/node-key.ts';

export function registerMetering(program: Command, ctx: CliContext, env: NodeJS.ProcessEnv = process.env): void {
  const g = program.command('metering').description('usage metering: slices of SCM per job, content-idempotent, signed by the node key (provider)');
  g.command('slice')
    .description('record a slice {job, bucket, seq, SCM delta, price index}: a repeat is a no-op, another slice at the same seq is refused')
    .requiredOption('--job <id>', 'the job')
    .requiredOption('--bucket <id>', 'its bucket, <gpuProfile>:<region>')
    .requiredOption('--seq <n>', 'the slice number, from 0')
    .requiredOption('--scm-milli <n>', 'SCM used in this slice, in thousandths (whole)')
    .requiredOption('--price-index <acu>', 'the price index in ACU per SCM')
    .option('--node-dir <dir>', 'the provider node config dir holding the node key (default: VRACU_PROVIDER_CONFIG or ~/.vracu/provider)')
    .action(async (o: { job: string; bucket: string; seq: string; scmMilli: string; priceIndex: string; nodeDir?: string }) => {
      const seq = wholeOrText(o.seq);
      // What the node signs must be what the exchange reads: malformed numbers stop here.
      if (typeof seq !== 'number') throw new InvalidArgumentError(`--seq: expected a whole number, got "${o.seq}"`);
      if (!/^(0|[1-9][0-9]{0,18})$/.test(o.scmMilli)) throw new InvalidArgumentError(`--scm-milli: expected whole thousandths of an SCM, got "${o.scmMilli}"`);
      const dir = o.nodeDir ?? providerConfigDir(env);
      const state = loadState(dir);
      const key = loadNodeKey(dir, state.algorithm);
      const message = sliceMessage(state.providerId, {
        jobId: o.job,
        bucketId: o.bucket,
        seq,
        scmDeltaMilli: BigInt(o.scmMilli),
        priceIndexMicro: parseAcu(o.priceIndex),
      });
      const body = { jobId: o.job, bucketId: o.bucket, seq, scmDeltaMilli: o.scmMilli, priceIndex: o.priceIndex, signature: signCanonical(key, message) };
      const r = await ctx.client().call(sliceRoute, { body });
      ctx.print(r, (d: typeof r) => `${d.outcome}  ${d.digest}`);
    });
}
