/** Payments items ↔ domain values. Money is DynamoDB integers, read back as bigint. */
import { big } from '../../platform/dynamo/client.ts';
import type { Payment, PaymentSource, PaymentStatus } from '../domain/payment.ts';
import type { Payout, PayoutRail, PayoutStatus } from '../domain/payout.ts';
import { payeeGsi, payerGsi, paymentKey, payoutKey } from './keys.ts';

type Item = Record<string, unknown>;
const opt = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function paymentItem(p: Payment): Item {
  return { ...paymentKey(p.paymentId), kind: 'payment', ...p, gsi1pk: payerGsi(p.principal), gsi1sk: `${p.createdAt}#${p.paymentId}` };
}

export function toPayment(it: Item): Payment {
  const refunds: Record<string, bigint> = {};
  for (const [k, v] of Object.entries((it.refunds as Record<string, unknown>) ?? {})) refunds[k] = big(v);
  const p: Payment = {
    paymentId: String(it.paymentId),
    principal: String(it.principal),
    source: it.source as PaymentSource,
    status: it.status as PaymentStatus,
    usdCents: big(it.usdCents),
    microAcu: big(it.microAcu),
    priceVersion: String(it.priceVersion),
    createdAt: String(it.createdAt),
    updatedAt: String(it.updatedAt),
    refundedCents: big(it.refundedCents ?? 0n),
    refundedMicroAcu: big(it.refundedMicroAcu ?? 0n),
    arrearsMicroAcu: big(it.arrearsMicroAcu ?? 0n),
    refunds,
  };
  for (const k of ['sessionId', 'checkoutUrl', 'paymentIntent', 'invoiceId', 'conversionAttemptedAt', 'conversionTx', 'conversionFailure'] as const) {
    const v = opt(it[k]);
    if (v !== undefined) p[k] = v;
  }
  return p;
}

export function payoutItem(p: Payout): Item {
  return { ...payoutKey(p.payoutId), kind: 'payout', ...p, gsi1pk: payeeGsi(p.provider), gsi1sk: `${p.createdAt}#${p.payoutId}` };
}

export function toPayout(it: Item): Payout {
  const p: Payout = {
    payoutId: String(it.payoutId),
    provider: String(it.provider),
    rail: it.rail as PayoutRail,
    destination: String(it.destination),
    microAcu: big(it.microAcu),
    usdCents: big(it.usdCents ?? 0n),
    priceVersion: String(it.priceVersion),
    status: it.status as PayoutStatus,
    createdAt: String(it.createdAt),
    updatedAt: String(it.updatedAt),
  };
  const ref = opt(it.reference);
  if (ref !== undefined) p.reference = ref;
  const f = opt(it.failure);
  if (f !== undefined) p.failure = f;
  const a = opt(it.attemptedAt);
  if (a !== undefined) p.attemptedAt = a;
  return p;
}
