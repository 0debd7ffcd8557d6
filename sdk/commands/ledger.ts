/** `vracu ledger mint|check|entries` and `vracu balance`. */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { accountRoute, checkRoute, entriesRoute, mintRoute } from '../../functions/ledger/api.ts';
import { whoami } from '../../functions/platform/api.ts';
import { table, type CliContext } from '../cli/context.ts';

export function registerLedger(program: Command, ctx: CliContext): void {
  /** The caller's own user account unless one is named. */
  const accountOrOwn = async (a?: string) => a ?? `user:${(await ctx.client().call(whoami)).principalId}`;

  program
    .command('balance')
    .description('show an account balance (default: your own user account)')
    .option('--account <id>', 'account id, such as user:prn_x, arrears:prn_x, provider:p1, platform')
    .action(async (o: { account?: string }) => {
      const b = await ctx.client().call(accountRoute, { params: { accountId: await accountOrOwn(o.account) } });
      ctx.print(b, (d: typeof b) => `${d.account}  ${d.balance} ACU`);
    });

  const ledger = program.command('ledger').description('the double-entry ledger');

  ledger
    .command('mint')
    .description('credit ACU to a user from the mint (admin; settles arrears first)')
    .requiredOption('--user <principalId>', 'principal id of the user credited')
    .requiredOption('--amount <acu>', 'decimal ACU amount, at most 6 decimals, such as 100.5')
    .option('--key <idempotencyKey>', 'Idempotency-Key (default: a new one; reuse it to retry safely)')
    .option('--memo <text>', 'a note stored with the entries')
    .action(async (o: { user: string; amount: string; key?: string; memo?: string }) => {
      const r = await ctx.client().call(mintRoute, {
        body: { user: o.user, amount: o.amount, ...(o.memo ? { memo: o.memo } : {}) },
        idempotencyKey: o.key ?? `cli-${randomUUID()}`,
      });
      ctx.print(
        r,
        (d: typeof r) =>
          `minted ${d.amount} ACU to user:${d.user}${d.replayed ? ' (replayed: already applied)' : ''}\n` +
          `  credited        ${d.credited}\n  settled arrears ${d.settledArrears}\n  transfer        ${d.transferId}`,
      );
    });

  ledger
    .command('check')
    .description('prove conservation and rebuild every balance from its entries (admin); exits 1 on any violation')
    .action(async () => {
      const r = await ctx.client().call(checkRoute);
      ctx.print(r, (d: typeof r) => {
        const head = `${d.ok ? 'OK' : 'VIOLATIONS'}: ${d.violations} violation(s), ${d.accounts} accounts, ${d.transfers} transfers\n  minted − burned ${d.mintedNet}\n  held            ${d.held}\n  sum incl. mint  ${d.total}`;
        const diffs = d.differences.length ? `\n\nbalances that differ from their entries:\n${table(d.differences)}` : '';
        const unb = d.unbalancedTransfers.length ? `\n\nunbalanced transfers:\n${table(d.unbalancedTransfers)}` : '';
        const neg = d.negative.length ? `\n\nnegative guarded accounts:\n${table(d.negative)}` : '';
        const busy = d.unverified.length ? `\n\ntoo busy to verify now (run again when quiet): ${d.unverified.join(', ')}` : '';
        return head + diffs + unb + neg + busy;
      });
      if (!r.ok) throw new Error(`ledger check found ${r.violations} violation(s)`);
    });

  ledger
    .command('entries')
    .description("list an account's entries, oldest first (default: your own user account)")
    .option('--account <id>', 'account id')
    .option('--limit <n>', 'entries per page (1-200)', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .action(async (o: { account?: string; limit: string; cursor?: string }) => {
      const page = await ctx.client().call(entriesRoute, {
        params: { accountId: await accountOrOwn(o.account) },
        query: { limit: o.limit, ...(o.cursor ? { cursor: o.cursor } : {}) },
      });
      ctx.print(
        page,
        (d: typeof page) => `${d.account}\n${table(d.entries, ['at', 'delta', 'transferId', 'memo'])}${d.cursor ? `\n\nmore: --cursor ${d.cursor}` : ''}`,
      );
    });
}
