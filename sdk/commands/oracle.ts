/** `vracu oracle supply|demand|bucket|price`: supply offers and demand (operator), clearing (any key). */
import type { Command } from 'commander';
import { table, wholeOrText, type CliContext } from '../cli/context.ts';
import { bucketRoute, demandRoute, priceRoute, supplyRoute } from '../../functions/control-plane/api.ts';

const int = wholeOrText;

export function registerOracle(program: Command, ctx: CliContext): void {
  const g = program.command('oracle').description('the price oracle: supply offers, demand per bucket, clearing prices (seed §8.1)');
  g.command('supply')
    .description('record a supply offer of a provider in a bucket (operator): SCM per window at a price per SCM')
    .requiredOption('--provider <id>', 'the provider offering')
    .requiredOption('--gpu <profile>', 'GPU profile, such as H100')
    .requiredOption('--region <region>', 'region, such as us-east-1')
    .requiredOption('--scm <n>', 'capacity in SCM per window (whole)')
    .requiredOption('--price <acu>', 'ACU per SCM, such as 0.12')
    .action(async (o: { provider: string; gpu: string; region: string; scm: string; price: string }) => {
      const r = await ctx.client().call(supplyRoute, {
        body: { offers: [{ providerId: o.provider, gpuProfile: o.gpu, region: o.region, capacityScm: int(o.scm), price: o.price }] },
      });
      ctx.print(r, (d: typeof r) => d.recorded.map((x) => `${x.bucketId}  ${x.providerId}  ${x.outcome}  (at ${d.at})`).join('\n'));
    });
  g.command('demand')
    .description("configure a bucket's demand (operator): window, expected SCM, reserve ratio, price bounds")
    .requiredOption('--gpu <profile>', 'GPU profile, such as H100')
    .requiredOption('--region <region>', 'region, such as us-east-1')
    .requiredOption('--scm <n>', 'expected demand in SCM per window')
    .requiredOption('--floor <acu>', 'lowest clearing price, ACU per SCM')
    .requiredOption('--cap <acu>', 'highest clearing price, ACU per SCM')
    .option('--window <minutes>', 'the window', '60')
    .option('--reserve-bps <bp>', 'reserve ratio in basis points (1000 = 10 %)', '1000')
    .action(async (o: { gpu: string; region: string; scm: string; floor: string; cap: string; window: string; reserveBps: string }) => {
      const r = await ctx.client().call(demandRoute, {
        body: {
          gpuProfile: o.gpu,
          region: o.region,
          windowMinutes: int(o.window),
          demandScm: int(o.scm),
          reserveRatioBps: int(o.reserveBps),
          floorPrice: o.floor,
          capPrice: o.cap,
        },
      });
      ctx.print(r, (d: typeof r) => `${d.bucketId}  demand version ${d.version}`);
    });
  g.command('bucket <bucketId>')
    .description('clear a bucket now (<gpuProfile>:<region>): curve, clearing price, surge, allocations')
    .option('--demand <scm>', 'clear at this demand instead of the configured one')
    .action(async (id: string, o: { demand?: string }) => {
      const r = await ctx.client().call(bucketRoute, { params: { id }, query: o.demand ? { demandScm: o.demand } : {} });
      ctx.print(r, (d: typeof r) =>
        [
          `${d.bucketId} at ${d.at}: clearing ${d.clearingPrice ?? 'none (no live offer)'} ACU/SCM (marginal ${d.marginalPrice ?? '–'}, surge ${d.surgeBps} bp, bounded ${d.bounded})`,
          `demand ${d.demandScm} SCM, required ${d.requiredScm}, supply ${d.supplyScm} from ${d.offers} offers, utilisation ${d.utilisationBps} bp, unfilled ${d.unfilledScm}`,
          table(d.allocations),
        ].join('\n'),
      );
    });
  g.command('price <bucketId>')
    .description("a bucket's clearing price now at its configured demand")
    .action(async (id: string) => {
      const r = await ctx.client().call(priceRoute, { params: { id } });
      ctx.print(
        r,
        (d: typeof r) => `${d.bucketId}  ${d.clearingPrice ?? 'none'}  surge ${d.surgeBps} bp  utilisation ${d.utilisationBps} bp  bounded ${d.bounded}`,
      );
    });
}
