/**
 * A buyer's checkout: the payment is written PENDING at the price version in force, then a
 * Stripe Checkout Session is made for it (idempotent at Stripe by the payment id) and its URL
 * returned. The credit happens only when Stripe says the session is paid (apply-event.ts).
 */
import { requestHash } from '../../platform/idempotency.ts';
import { differentPayload } from '../../platform/idempotency.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu, type MicroAcu } from '../../platform/money.ts';
import type { PaymentsDeps } from '../deps.ts';
import type { Payment } from '../domain/payment.ts';
import { centsForMicroAcu, microAcuForCents, priceAt } from '../domain/price.ts';
import { paymentsError } from '../errors.ts';
import { checkoutIdemOf, paymentOf } from '../store/reads.ts';
import { attachSession, createPayment } from '../store/writes.ts';

export type CheckoutInput = { usdCents: bigint; microAcu?: undefined } | { microAcu: MicroAcu; usdCents?: undefined };

export async function checkout(
  d: PaymentsDeps,
  principal: string,
  input: CheckoutInput,
  idempotencyKey?: string,
): Promise<{ payment: Payment; replayed: boolean }> {
  const hash = requestHash(input.usdCents !== undefined ? { usdCents: String(input.usdCents) } : { acu: formatAcu(input.microAcu) });
  if (idempotencyKey) {
    const prior = await replay(d, principal, idempotencyKey, hash);
    if (prior) return { payment: await ensureSession(d, prior), replayed: true };
  }
  const now = d.rt.clock.nowMs();
  const price = priceAt(now);
  const usdCents = input.usdCents ?? centsForMicroAcu(price, input.microAcu);
  const { minCents, maxCents } = d.cfg.checkout;
  if (usdCents < minCents || usdCents > maxCents)
    throw paymentsError('amount_out_of_range', `a checkout is ${minCents} to ${maxCents} USD cents; this one is ${usdCents}`, {
      usdCents: String(usdCents),
      minCents: String(minCents),
      maxCents: String(maxCents),
    });
  const at = isoAt(now);
  const payment: Payment = {
    paymentId: d.rt.ids.next('pay'),
    principal,
    source: 'checkout',
    status: 'PENDING',
    usdCents,
    microAcu: microAcuForCents(price, usdCents),
    priceVersion: price.version,
    createdAt: at,
    updatedAt: at,
    refundedCents: 0n,
    refundedMicroAcu: 0n,
    arrearsMicroAcu: 0n,
    refunds: {},
  };
  const created = await createPayment(d.store, payment, idempotencyKey ? { key: idempotencyKey, requestHash: hash } : undefined);
  if (!created) {
    // A concurrent request with the same key won: answer as it does.
    const prior = await replay(d, principal, idempotencyKey!, hash);
    if (!prior) throw new Error(`checkout key ${idempotencyKey} was taken but holds no payment`);
    return { payment: await ensureSession(d, prior), replayed: true };
  }
  return { payment: await ensureSession(d, payment), replayed: false };
}

async function replay(d: PaymentsDeps, principal: string, key: string, hash: string): Promise<Payment | null> {
  const idem = await checkoutIdemOf(d.store, principal, key);
  if (!idem) return null;
  if (idem.requestHash !== hash) throw differentPayload(`Idempotency-Key ${key}`);
  return paymentOf(d.store, idem.paymentId);
}

/** The payment's session, made now if an earlier attempt died before Stripe answered (Stripe's key makes it once). */
async function ensureSession(d: PaymentsDeps, p: Payment): Promise<Payment> {
  if (p.sessionId && p.checkoutUrl) return p;
  const metadata = { paymentId: p.paymentId, principal: p.principal, priceVersion: p.priceVersion, microAcu: String(p.microAcu), acu: formatAcu(p.microAcu) };
  const session = await d.stripe.createCheckoutSession({
    idempotencyKey: `checkout:${p.paymentId}`,
    usdCents: p.usdCents,
    description: `${formatAcu(p.microAcu)} ACU`,
    reference: p.paymentId,
    metadata,
    successUrl: d.cfg.successUrl,
    cancelUrl: d.cfg.cancelUrl,
  });
  await attachSession(d.store, p.paymentId, session);
  return { ...p, sessionId: session.id, checkoutUrl: session.url };
}
