/** `vracu governance propose|vote|queue|execute|list|params` (operator; params: any key). */
import type { Command } from 'commander';
import { table, type CliContext } from '../cli/context.ts';
import { executeRoute, parametersRoute, proposalsRoute, proposeRoute, queueRoute, voteRoute } from '../../functions/control-plane/api.ts';

type P = { proposalId: string; parameter: string; value: string; status: string; yes: number; no: number; votingEndsAt: string; eta: string | null };
const line = (p: P) =>
  `${p.proposalId}  ${p.parameter} → ${p.value}  ${p.status}  yes ${p.yes} no ${p.no}  voting ends ${p.votingEndsAt}${p.eta ? `  eta ${p.eta}` : ''}`;

export function registerGovernance(program: Command, ctx: CliContext): void {
  const g = program.command('governance').description('governed market parameters: propose → vote → queue (timelock ≥ 48 h) → execute');
  g.command('propose')
    .description('propose a new value for a parameter (see `governance params`)')
    .requiredOption('--parameter <name>', 'such as surge.maxBps or settlement.holdBps')
    .requiredOption('--value <integer>', 'the new value: bp or µACU, a whole number')
    .action(async (o: { parameter: string; value: string }) => {
      const r = await ctx.client().call(proposeRoute, { body: { parameter: o.parameter as never, value: o.value } });
      ctx.print(r, line);
    });
  g.command('vote <proposalId>')
    .description('vote yes (default) or --no')
    .option('--no', 'vote against')
    .action(async (id: string, o: { no?: boolean }) => ctx.print(await ctx.client().call(voteRoute, { params: { id }, body: { support: !o.no } }), line));
  g.command('queue <proposalId>')
    .description('queue a passed proposal behind the timelock')
    .action(async (id: string) => ctx.print(await ctx.client().call(queueRoute, { params: { id } }), line));
  g.command('execute <proposalId>')
    .description('execute a queued proposal after its ETA')
    .action(async (id: string) => ctx.print(await ctx.client().call(executeRoute, { params: { id } }), line));
  g.command('list')
    .description('the latest proposals')
    .action(async () => {
      const r = await ctx.client().call(proposalsRoute);
      ctx.print(r, (d: typeof r) => table(d.proposals, ['proposalId', 'parameter', 'value', 'status', 'yes', 'no', 'eta']));
    });
  g.command('params')
    .description('every governed parameter with its value and version')
    .action(async () => {
      const r = await ctx.client().call(parametersRoute);
      ctx.print(r, (d: typeof r) => table(d.parameters));
    });
}
