/**
 * Provider payouts. Requesting one is one ledger transfer: `provider:<id>` → the payout's hold
 * (`escrow:payout_<id>`), with the payout record and the day's counter (the daily limit) in
 * the same transaction, keyed by the provider's Idempotency-Key; then a message to the payout
 * queue. The worker pays through the rail and settles in one more transfer, keyed by the
 * payout: PAID (hold → mint: the ACU leave the exchange) or FAILED (hold → provider, once).
 */
import { PAYMENTS_METRICS } from '../../definitions/metrics.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isoAt } from '../../platform/clock.ts';
import { metrics } from '../../platform/observability.ts';
import { requestHash } from '../../platform/idempotency.ts';
import { TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import { formatAcu, type MicroAcu } from '../../platform/money.ts';
import { account, type Posting } from '../../ledger/index.ts';
import type { PaymentsDeps } from '../deps.ts';
import { payoutDay, payoutHoldName, type Payout, type PayoutRail } from '../domain/payout.ts';
import { microAcuForCents, payoutCentsFor, priceAt } from '../domain/price.ts';
import { StripeRefusedError } from '../drivers/stripe.ts';
import { ChainRejectedError } from '../drivers/wallet.ts';
import { paymentsError } from '../errors.ts';
import { payoutOf } from '../store/reads.ts';
import { payoutAttempted, payoutCreated, payoutDayAdd, payoutSettled } from '../store/writes.ts';

export interface PayoutInput {
  microAcu: MicroAcu;
  rail: PayoutRail;
  destination: string;
}

export async function requestPayout(
  d: PaymentsDeps,
  provider: string,
  input: PayoutInput,
  idempotencyKey?: string,
): Promise<{ payout: Payout; replayed: boolean }> {
  const { rails, minMicroAcu, dailyLimitMicroAcu } = d.cfg.payout;
  if (!rails.includes(input.rail) || (input.rail === 'chain' && !d.wallet))
    throw paymentsError('payout_rail_unavailable', `the ${input.rail} rail is not configured here (offered: ${rails.join(', ') || 'none'})`);
  if (input.microAcu < minMicroAcu)
    throw paymentsError('amount_out_of_range', `a payout is at least ${formatAcu(minMicroAcu)} ACU`, { minimum: formatAcu(minMicroAcu) });
  const now = d.rt.clock.nowMs();
  const price = priceAt(now);
  // The Stripe rail pays whole cents: hold exactly what they are worth (FLOOR), never more than asked.
  const usdCents = input.rail === 'stripe' ? payoutCentsFor(price, input.microAcu) : 0n;
  const held = input.rail === 'stripe' ? microAcuForCents(price, usdCents) : input.microAcu;
  if (held <= 0n) throw paymentsError('amount_out_of_range', 'the amount is worth less than one cent');
  if (held > dailyLimitMicroAcu)
    throw paymentsError('payout_limit_exceeded', `a provider is paid out at most ${formatAcu(dailyLimitMicroAcu)} ACU a day`, {
      limit: formatAcu(dailyLimitMicroAcu),
    });
  const at = isoAt(now);
  const payout: Payout = {
    payoutId: d.rt.ids.next('po'),
    provider,
    rail: input.rail,
    destination: input.destination,
    microAcu: held,
    usdCents,
    priceVersion: price.version,
    status: 'PENDING',
    createdAt: at,
    updatedAt: at,
  };
  const key = `payout:${provider}:${idempotencyKey ?? payout.payoutId}`;
  const hash = requestHash({ provider, amount: formatAcu(input.microAcu), rail: input.rail, destination: input.destination });
  let payoutId: string;
  let replayed: boolean;
  try {
    const out = await d.ledger.transfer({
      key,
      requestHash: hash,
      postings: [{ from: account.provider(provider), to: account.escrow(payoutHoldName(payout.payoutId)), amount: held }],
      memo: `payout ${payout.payoutId} (${input.rail})`,
      result: { payoutId: payout.payoutId },
      extra: [payoutCreated(d.store, payout), payoutDayAdd(d.store, provider, payoutDay(at), held, dailyLimitMicroAcu)],
    });
    payoutId = out.result.payoutId;
    replayed = out.replayed;
  } catch (err) {
    if (err instanceof TransactionCancelledError && err.failed('payout-day'))
      throw paymentsError('payout_limit_exceeded', `this payout would take today's payouts past ${formatAcu(dailyLimitMicroAcu)} ACU`, {
        limit: formatAcu(dailyLimitMicroAcu),
      });
    throw err;
  }
  // Sent on a replay too: a request that died before sending is paid all the same (the worker is idempotent).
  await d.rt.queues.send('payouts', [{ body: { payoutId } }]);
  const stored = await payoutOf(d.store, payoutId);
  if (!stored) throw new Error(`payout ${payoutId} was booked but is not stored`);
  return { payout: stored, replayed };
}

/** The worker: pays a PENDING payout through its rail and settles it. */
export async function payPayout(d: PaymentsDeps, payoutId: string): Promise<string> {
  const p = await payoutOf(d.store, payoutId);
  if (!p) throw new Error(`payout ${payoutId} is not stored`);
  if (p.status !== 'PENDING') return `already ${p.status}`;
  if (p.rail === 'stripe') {
    try {
      const t = await d.stripe.createTransfer({
        idempotencyKey: `payout:${p.payoutId}`,
        usdCents: p.usdCents,
        destination: p.destination,
        metadata: { payoutId: p.payoutId, provider: p.provider, acu: formatAcu(p.microAcu), priceVersion: p.priceVersion },
        transferGroup: p.payoutId,
      });
      return settle(d, p, { status: 'PAID', reference: t.id });
    } catch (err) {
      if (err instanceof StripeRefusedError) return settle(d, p, { status: 'FAILED', failure: err.message });
      throw err; // transport: retried with the same Stripe key
    }
  }
  if (!d.wallet) throw new Error('the chain rail has no wallet configured');
  // One send only: a redelivery after an unknown outcome leaves the payout for reconciliation.
  if (!(await payoutAttempted(d.store, p.payoutId, isoAt(d.rt.clock.nowMs())))) return 'sent before with an unknown outcome: left for reconciliation';
  const wallet = await d.wallet();
  try {
    const r = await wallet.payout({ to: p.destination, microAcu: p.microAcu });
    return settle(d, p, { status: 'PAID', reference: r.txHash, chainBlock: r.blockNumber });
  } catch (err) {
    if (err instanceof ChainRejectedError) return settle(d, p, { status: 'FAILED', failure: err.message });
    throw err;
  }
}

async function settle(
  d: PaymentsDeps,
  p: Payout,
  to: { status: 'PAID'; reference: string; chainBlock?: number } | { status: 'FAILED'; failure: string },
): Promise<string> {
  const hold = account.escrow(payoutHoldName(p.payoutId));
  const posting: Posting =
    to.status === 'PAID' ? { from: hold, to: account.mint, amount: p.microAcu } : { from: hold, to: account.provider(p.provider), amount: p.microAcu };
  try {
    const out = await d.ledger.transfer({
      key: `payout-settle:${p.payoutId}`,
      requestHash: requestHash({ payoutId: p.payoutId }),
      postings: [posting],
      memo: `payout ${p.payoutId} ${to.status}`,
      result: { payoutId: p.payoutId, status: to.status },
      extra: [payoutSettled(d.store, p.payoutId, to.status, to, isoAt(d.rt.clock.nowMs()))],
    });
    if (!out.replayed) metrics.addMetric(to.status === 'PAID' ? PAYMENTS_METRICS.payoutsPaid : PAYMENTS_METRICS.payoutsFailed, MetricUnit.Count, 1);
    return out.replayed ? `already ${out.result.status}` : to.status;
  } catch (err) {
    if (err instanceof TransactionCancelledError && err.failed(`payout:${p.payoutId}`)) return 'already settled';
    throw err;
  }
}
