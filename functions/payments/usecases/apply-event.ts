/**
 * The FIFO worker's one step: a normalised Stripe event applied to its payment. Each effect
 * is one ledger transaction that carries the payment's conditional transition, keyed so that
 * a redelivered message, a duplicate webhook or a second event type for the same fact
 * (completed + payment_intent.succeeded) replays instead of crediting twice:
 *   credit  `mint:payments:<paymentId>`   mint → user (arrears settled first), PENDING → MINTED
 *   refund  `refund:<paymentId>:<cents>`  user → mint, the rest arrears → mint, refunded total moves up
 * A refund before its payment is credited throws (retried, then the DLQ with an alarm).
 */
import { PAYMENTS_METRICS } from '../../definitions/metrics.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isoAt } from '../../platform/clock.ts';
import { metrics } from '../../platform/observability.ts';
import { AppError } from '../../platform/errors.ts';
import { requestHash } from '../../platform/idempotency.ts';
import { TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import { formatAcu } from '../../platform/money.ts';
import { account, mintPostings, type Posting } from '../../ledger/index.ts';
import type { PaymentsDeps } from '../deps.ts';
import { clawback, refundedTotal, type Payment } from '../domain/payment.ts';
import { microAcuForCents, priceVersion, refundMicroAcu } from '../domain/price.ts';
import type { StripeMessage } from '../domain/stripe-event.ts';
import { intentOf, paymentOf } from '../store/reads.ts';
import { ChainRejectedError } from '../drivers/wallet.ts';
import {
  conversionAttempted,
  conversionDone,
  indexIntent,
  paymentFailed,
  paymentMinted,
  paymentRefunded,
  putPaymentOnce,
  refundSeen,
} from '../store/writes.ts';

const ATTEMPTS = 4;

export async function applyStripeMessage(d: PaymentsDeps, m: StripeMessage): Promise<string> {
  switch (m.kind) {
    case 'ignored':
      return `ignored ${m.type}`;
    case 'checkout': {
      const p = m.paymentId ? await paymentOf(d.store, m.paymentId) : null;
      if (!p) return `ignored: session ${m.sessionId} is not one of ours`;
      if (m.amountTotal !== null && BigInt(m.amountTotal) !== p.usdCents)
        throw new Error(`session ${m.sessionId} charged ${m.amountTotal} cents, payment ${p.paymentId} is ${p.usdCents}: not credited`);
      if (m.paymentIntent) await indexIntent(d.store, m.paymentIntent, p.paymentId, p.principal);
      if (m.outcome === 'async_failed' || m.outcome === 'expired')
        return (await paymentFailed(d.store, p.paymentId, isoAt(d.rt.clock.nowMs()))) ? 'failed' : `not pending (${p.status})`;
      if (m.outcome === 'completed' && !m.paid) return 'awaiting the asynchronous payment';
      return credit(d, p, m.paymentIntent);
    }
    case 'payment_succeeded': {
      const paymentId = m.paymentId ?? (await intentOf(d.store, m.paymentIntent))?.paymentId;
      const p = paymentId ? await paymentOf(d.store, paymentId) : null;
      if (!p) return `ignored: intent ${m.paymentIntent} pays none of our payments`;
      await indexIntent(d.store, m.paymentIntent, p.paymentId, p.principal);
      return credit(d, p, m.paymentIntent);
    }
    case 'invoice': {
      if (!m.principal || !m.priceVersion) return `ignored: invoice ${m.invoiceId} names no buyer or price version`;
      const price = priceVersion(m.priceVersion);
      const cents = BigInt(m.amountPaid);
      if (cents === 0n) return 'ignored: nothing paid';
      const at = isoAt(d.rt.clock.nowMs());
      const paymentId = `invoice_${m.invoiceId}`;
      await putPaymentOnce(d.store, {
        paymentId,
        principal: m.principal,
        source: 'invoice',
        status: 'PENDING',
        usdCents: cents,
        microAcu: microAcuForCents(price, cents),
        priceVersion: price.version,
        invoiceId: m.invoiceId,
        createdAt: at,
        updatedAt: at,
        refundedCents: 0n,
        refundedMicroAcu: 0n,
        arrearsMicroAcu: 0n,
        refunds: {},
      });
      return credit(d, (await paymentOf(d.store, paymentId))!, null);
    }
    case 'refund': {
      const paymentId = m.paymentId ?? (m.paymentIntent ? (await intentOf(d.store, m.paymentIntent))?.paymentId : undefined);
      const p = paymentId ? await paymentOf(d.store, paymentId) : null;
      if (!p) throw new Error(`refund (${m.type}, intent ${m.paymentIntent}) of no known payment yet: retried`);
      const seen = {
        ...(m.chargeRefundedCents !== null ? { chargeRefundedCents: BigInt(m.chargeRefundedCents) } : {}),
        ...(m.refund ? { refund: { id: m.refund.id, cents: BigInt(m.refund.cents) } } : {}),
      };
      return refund(d, p, seen);
    }
  }
}

/** The payment's credit, once: the mint and PENDING → MINTED in one transaction. */
async function credit(d: PaymentsDeps, p: Payment, paymentIntent: string | null): Promise<string> {
  if (p.status !== 'PENDING' && p.status !== 'MINTED') return `not credited: the payment is ${p.status}`;
  const key = `mint:payments:${p.paymentId}`;
  const hash = requestHash({ paymentId: p.paymentId, principal: p.principal, amount: formatAcu(p.microAcu), priceVersion: p.priceVersion });
  for (let attempt = 1; ; attempt++) {
    const owed = -(await d.ledger.balance(account.arrears(p.principal)));
    const { postings, settle } = mintPostings(p.principal, p.microAcu, owed);
    try {
      const out = await d.ledger.transfer({
        key,
        requestHash: hash,
        postings,
        memo: `stripe payment ${p.paymentId} (${p.priceVersion})`,
        result: { paymentId: p.paymentId, amount: formatAcu(p.microAcu), settledArrears: formatAcu(settle) },
        extra: [paymentMinted(d.store, p.paymentId, isoAt(d.rt.clock.nowMs()), paymentIntent)],
      });
      if (!out.replayed) metrics.addMetric(PAYMENTS_METRICS.creditsMinted, MetricUnit.Count, 1);
      const converted = await convert(d, p.paymentId);
      return `${out.replayed ? 'already credited' : `credited ${formatAcu(p.microAcu)} ACU`}${converted}`;
    } catch (err) {
      if (err instanceof TransactionCancelledError && err.failed(`payment:${p.paymentId}`)) return `not credited: the payment left PENDING`;
      // Another settlement paid the same arrears meanwhile: recompute what is owed.
      if (err instanceof AppError && err.code === 'conflict' && attempt < ATTEMPTS) continue;
      throw err;
    }
  }
}

/**
 * With a chain configured: the minted ACU converted on chain (ConversionRouter, AVL burnt),
 * the hash recorded on the payment for reconciliation. One send per payment, marked first; a
 * redelivery after an unknown outcome sends nothing (reconciliation shows it). A refusal by
 * the chain is recorded and leaves the credit as it is.
 */
async function convert(d: PaymentsDeps, paymentId: string): Promise<string> {
  if (!d.wallet) return '';
  if (!(await conversionAttempted(d.store, paymentId, isoAt(d.rt.clock.nowMs())))) return '';
  const p = (await paymentOf(d.store, paymentId))!;
  const wallet = await d.wallet();
  try {
    const r = await wallet.convert({ microAcu: p.microAcu });
    await conversionDone(d.store, paymentId, { txHash: r.txHash, blockNumber: r.blockNumber });
    return `, converted on chain in ${r.txHash}`;
  } catch (err) {
    if (!(err instanceof ChainRejectedError)) throw err;
    await conversionDone(d.store, paymentId, { failure: err.message });
    return `, conversion refused: ${err.code}`;
  }
}

/** Claws back what the refunded total adds, from the balance first and the rest into arrears. */
async function refund(d: PaymentsDeps, first: Payment, seen: { chargeRefundedCents?: bigint; refund?: { id: string; cents: bigint } }): Promise<string> {
  let p = first;
  for (let attempt = 1; ; attempt++) {
    if (p.status === 'PENDING') throw new Error(`refund of payment ${p.paymentId} before its credit: retried`);
    if (p.status === 'FAILED') return 'ignored: the payment never credited';
    const target = refundedTotal(p, seen);
    if (target <= p.refundedCents) {
      if (seen.refund && p.refunds[seen.refund.id] === undefined) await refundSeen(d.store, p.paymentId, seen.refund);
      return 'nothing more to refund';
    }
    const total = refundMicroAcu(p.microAcu, p.usdCents, target);
    const amount = total - p.refundedMicroAcu;
    const split = clawback(amount, await d.ledger.balance(account.user(p.principal)));
    const postings: Posting[] = [];
    if (split.fromBalance > 0n) postings.push({ from: account.user(p.principal), to: account.mint, amount: split.fromBalance });
    if (split.toArrears > 0n) postings.push({ from: account.arrears(p.principal), to: account.mint, amount: split.toArrears });
    try {
      await d.ledger.transfer({
        key: `refund:${p.paymentId}:${target}`,
        requestHash: requestHash({ paymentId: p.paymentId, refundedCents: String(target) }),
        postings,
        memo: `stripe refund of ${p.paymentId}: ${target} of ${p.usdCents} cents`,
        result: { paymentId: p.paymentId, refundedCents: String(target), clawedBack: formatAcu(amount), toArrears: formatAcu(split.toArrears) },
        extra: [
          paymentRefunded(d.store, p, {
            refundedCents: target,
            refundedMicroAcu: total,
            arrearsMicroAcu: p.arrearsMicroAcu + split.toArrears,
            refund: seen.refund ?? null,
            at: isoAt(d.rt.clock.nowMs()),
          }),
        ],
      });
      metrics.addMetric(PAYMENTS_METRICS.refundsApplied, MetricUnit.Count, 1);
      return `refunded ${formatAcu(amount)} ACU (${formatAcu(split.toArrears)} into arrears)`;
    } catch (err) {
      const raced =
        (err instanceof TransactionCancelledError && err.failed(`payment:${p.paymentId}`)) || (err instanceof AppError && err.code === 'insufficient_funds');
      if (!raced || attempt >= ATTEMPTS) throw err;
      p = (await paymentOf(d.store, p.paymentId))!;
    }
  }
}
