/** `vracu payments checkout|list|reconcile` and `vracu payouts request|list`. */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { checkoutRoute, paymentsListRoute, payoutRequestRoute, payoutsListRoute, reconcileRoute } from '../../functions/payments/api.ts';
import { table, type CliContext } from '../cli/context.ts';
import { dollarsToCents } from '../../functions/payments/domain/price.ts';

/** "25", "25.5", "25.50" dollars → 2550 cents, exactly (no floats). */
export function usdToCents(usd: string): number {
  const cents = dollarsToCents(usd);
  if (cents === null) throw new Error(`--usd must be dollars with at most 2 decimals, such as 25 or 25.50 (got "${usd}")`);
  return cents;
}

export function registerPayments(program: Command, ctx: CliContext): void {
  const payments = program.command('payments').description('buy ACU with Stripe (buyer); reconcile ledger and chain (operator)');

  payments
    .command('checkout')
    .description('start a Stripe Checkout for ACU at the current price; prints the URL to pay at (credited once Stripe says paid)')
    .option('--usd <dollars>', 'amount in USD, at most 2 decimals, such as 25.50')
    .option('--acu <acu>', 'amount in ACU instead (charged in whole cents, rounded up)')
    .option('--key <idempotencyKey>', 'Idempotency-Key (default: a new one; reuse it to get the same checkout back)')
    .action(async (o: { usd?: string; acu?: string; key?: string }) => {
      if ((o.usd === undefined) === (o.acu === undefined)) throw new Error('give exactly one of --usd and --acu');
      const body = o.usd !== undefined ? { usdCents: usdToCents(o.usd) } : { acu: o.acu! };
      const r = await ctx.client().call(checkoutRoute, { body, idempotencyKey: o.key ?? `cli-${randomUUID()}` });
      ctx.print(
        r,
        (d: typeof r) =>
          `checkout ${d.payment.paymentId}: ${d.payment.acu} ACU for ${d.payment.usdCents} USD cents (price ${d.payment.priceVersion})${d.replayed ? ' (replayed)' : ''}\n  pay at ${d.url}`,
      );
    });

  payments
    .command('list')
    .alias('credits')
    .description('your payments and their credits, newest first')
    .action(async () => {
      const r = await ctx.client().call(paymentsListRoute);
      ctx.print(r, (d: typeof r) =>
        d.payments.length ? table(d.payments, ['paymentId', 'status', 'usdCents', 'acu', 'refundedAcu', 'priceVersion', 'createdAt']) : 'no payments',
      );
    });

  payments
    .command('reconcile')
    .description('match on-chain conversions and payouts against the ledger (operator); exits 1 on any difference')
    .action(async () => {
      const r = await ctx.client().call(reconcileRoute);
      ctx.print(r, (d: typeof r) => {
        if (!d.chain) return 'no chain configured: nothing to reconcile';
        const read = d.toBlock >= d.fromBlock ? `blocks ${d.fromBlock}-${d.toBlock} in ${d.windows} window(s)` : `no new block since ${d.toBlock}`;
        const head = `${d.ok ? 'OK' : 'DIFFERENCES'}: ${read} (head ${d.head}), ${d.differences.length} difference(s), ${d.openLogs} unmatched log(s) carried\n  wallet ${d.wallet}\n  minted on chain ${d.mintParity.chainMicroAcu} µACU, ledger ${d.mintParity.ledgerMicroAcu}\n  paid on chain   ${d.payoutParity.chainMicroAcu} µACU, ledger ${d.payoutParity.ledgerMicroAcu}`;
        return d.differences.length ? `${head}\n\n${d.differences.map((x) => JSON.stringify(x)).join('\n')}` : head;
      });
      if (r.chain && !r.ok) throw new Error('reconciliation found differences');
    });

  const payouts = program.command('payouts').description("pay out a provider's ACU (provider)");

  payouts
    .command('request')
    .description('hold the amount now and pay it through a rail: stripe (a Connect account acct_…) or chain (a wallet 0x…)')
    .requiredOption('--amount <acu>', 'decimal ACU, at most 6 decimals')
    .requiredOption('--to <destination>', 'acct_… for stripe, 0x… for chain')
    .option('--rail <rail>', 'stripe or chain', 'stripe')
    .option('--key <idempotencyKey>', 'Idempotency-Key (default: a new one; reuse it to retry safely)')
    .action(async (o: { amount: string; to: string; rail: string; key?: string }) => {
      if (o.rail !== 'stripe' && o.rail !== 'chain') throw new Error('--rail must be stripe or chain');
      const body =
        o.rail === 'stripe'
          ? { amount: o.amount, rail: 'stripe' as const, destination: o.to }
          : { amount: o.amount, rail: 'chain' as const, destination: o.to };
      const r = await ctx.client().call(payoutRequestRoute, {
        body,
        idempotencyKey: o.key ?? `cli-${randomUUID()}`,
      });
      ctx.print(
        r,
        (d: typeof r) =>
          `payout ${d.payout.payoutId}: ${d.payout.acu} ACU by ${d.payout.rail} to ${d.payout.destination}, ${d.payout.status}${d.replayed ? ' (replayed)' : ''}`,
      );
    });

  payouts
    .command('list')
    .description('your payouts, newest first')
    .action(async () => {
      const r = await ctx.client().call(payoutsListRoute);
      ctx.print(r, (d: typeof r) =>
        d.payouts.length ? table(d.payouts, ['payoutId', 'status', 'rail', 'acu', 'usdCents', 'destination', 'reference', 'createdAt']) : 'no payouts',
      );
    });
}
