/**
 * A payment: one Stripe purchase of ACU (a Checkout Session, or a subscription invoice),
 * credited once at the price version it was sold at. States and their only transitions:
 *
 *   PENDING ──paid──▶ MINTED ──refund (all)──▶ REFUNDED
 *      │                 └──refund (part)──▶ MINTED, refundedCents > 0
 *      └──async payment failed / expired──▶ FAILED
 *
 * Refunds are cumulative: the amount refunded so far is the larger of the charge's own
 * running total (charge.refunded) and the sum of distinct refunds seen (refund.created), so
 * one refund reported by both events is counted once, in any order.
 */
import type { MicroAcu } from '../../platform/money.ts';

export const PAYMENT_STATUSES = ['PENDING', 'MINTED', 'FAILED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type PaymentSource = 'checkout' | 'invoice';

export interface Payment {
  paymentId: string;
  principal: string;
  source: PaymentSource;
  status: PaymentStatus;
  usdCents: bigint;
  /** What the payment credits, fixed at sale by its price version. */
  microAcu: MicroAcu;
  priceVersion: string;
  createdAt: string;
  updatedAt: string;
  /** Stripe's ids, as they become known. */
  sessionId?: string;
  checkoutUrl?: string;
  paymentIntent?: string;
  invoiceId?: string;
  /** Cumulative refunded cents and the µACU they clawed back (FLOOR, price.ts). */
  refundedCents: bigint;
  refundedMicroAcu: MicroAcu;
  /** Distinct refunds seen (refund.created): id → cents. */
  refunds: Record<string, bigint>;
  /** Of the clawback, what the balance could not cover and went to arrears. */
  arrearsMicroAcu: MicroAcu;
  /**
   * The on-chain conversion after the mint (when a chain is configured): marked before it is
   * sent (one send only), then its transaction hash, or the chain's refusal.
   */
  conversionAttemptedAt?: string;
  conversionTx?: string;
  /** The block the conversion was mined in. */
  conversionBlock?: number;
  conversionFailure?: string;
  /** The block up to which reconciliation matched it with the chain (then it leaves the open set). */
  reconciledBlock?: number;
}

/** The refunded total after a refund event: never below what was applied (refunds only grow). */
export function refundedTotal(
  p: Pick<Payment, 'refundedCents' | 'refunds' | 'usdCents'>,
  seen: { chargeRefundedCents?: bigint; refund?: { id: string; cents: bigint } },
): bigint {
  const refunds = { ...p.refunds, ...(seen.refund ? { [seen.refund.id]: seen.refund.cents } : {}) };
  const sum = Object.values(refunds).reduce((s, c) => s + c, 0n);
  let t = p.refundedCents;
  if (sum > t) t = sum;
  if (seen.chargeRefundedCents !== undefined && seen.chargeRefundedCents > t) t = seen.chargeRefundedCents;
  return t > p.usdCents ? p.usdCents : t;
}

/** How a clawback of `amount` µACU splits given the user's balance: what the balance pays, and the rest owed as arrears. */
export function clawback(amount: MicroAcu, balance: MicroAcu): { fromBalance: MicroAcu; toArrears: MicroAcu } {
  const fromBalance = balance <= 0n ? 0n : balance < amount ? balance : amount;
  return { fromBalance, toArrears: amount - fromBalance };
}
