/** Payments and payouts as the API shows them: money as strings, no table internals. */
import { formatAcu } from '../platform/money.ts';
import type { Payment } from './domain/payment.ts';
import type { Payout } from './domain/payout.ts';

export const paymentOut = (p: Payment) => ({
  paymentId: p.paymentId,
  principal: p.principal,
  source: p.source,
  status: p.status,
  usdCents: String(p.usdCents),
  acu: formatAcu(p.microAcu),
  priceVersion: p.priceVersion,
  checkoutUrl: p.checkoutUrl ?? null,
  refundedCents: String(p.refundedCents),
  refundedAcu: formatAcu(p.refundedMicroAcu),
  arrearsAcu: formatAcu(p.arrearsMicroAcu),
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

export const payoutOut = (p: Payout) => ({
  payoutId: p.payoutId,
  provider: p.provider,
  rail: p.rail,
  destination: p.destination,
  acu: formatAcu(p.microAcu),
  usdCents: String(p.usdCents),
  priceVersion: p.priceVersion,
  status: p.status,
  reference: p.reference ?? null,
  failure: p.failure ?? null,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** A report with bigints (µACU, base units) as decimal strings, for JSON. */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}
