/**
 * `vracu holds get|dispute|decide|disputes`: the part of a settled job's spot amount held for
 * the dispute window (docs/market.md, "Settlement holds"). The buyer disputes within the
 * window; an operator decides a disputed hold; undisputed ones go to the provider when the
 * window ends.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { disputedHoldsRoute, holdDecisionRoute, holdDisputeRoute, holdRoute } from '../../functions/market/api.ts';

type Hold = { jobId: string; amount: string; status: string; releaseAt: string; providerId: string; buyerId: string; dispute: string | null };
const line = (h: Hold) =>
  `${h.jobId}  ${h.status.padEnd(9)} ${h.amount} ACU  provider ${h.providerId}  buyer ${h.buyerId}  window ends ${h.releaseAt}${h.dispute ? `  dispute: ${h.dispute}` : ''}`;

export function registerHolds(program: Command, ctx: CliContext): void {
  const g = program.command('holds').description("settled jobs' holds for the dispute window");
  g.command('get <jobId>')
    .description("a settled job's hold: amount, status, end of its dispute window")
    .action(async (jobId: string) => {
      const r = await ctx.client().call(holdRoute, { params: { jobId } });
      ctx.print(r, line);
    });
  g.command('dispute <jobId>')
    .description('(buyer) dispute the hold within its window: it waits for an operator instead of going to the provider')
    .requiredOption('--reason <text>', 'what is wrong with the job or its bill')
    .action(async (jobId: string, o: { reason: string }) => {
      const r = await ctx.client().call(holdDisputeRoute, { params: { jobId }, body: { reason: o.reason } });
      ctx.print(r, line);
    });
  g.command('decide <jobId>')
    .description('(operator) decide a disputed hold: --award provider releases it, --award buyer refunds it')
    .requiredOption('--award <party>', 'provider | buyer')
    .action(async (jobId: string, o: { award: string }) => {
      const r = await ctx.client().call(holdDecisionRoute, { params: { jobId }, body: { award: o.award as 'provider' | 'buyer' } });
      ctx.print(r, line);
    });
  g.command('disputes')
    .description('(operator) disputed holds waiting for a decision')
    .action(async () => {
      const r = await ctx.client().call(disputedHoldsRoute);
      ctx.print(r, (d: typeof r) => (d.holds.length ? d.holds.map(line).join('\n') : 'no disputed holds'));
    });
}
