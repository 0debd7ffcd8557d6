/** Payments routes: Stripe top-ups (checkout, the webhook, the buyer's payments) and provider payouts. */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';
import { acuString, positiveAcu } from '../platform/money.ts';
import { PAYMENT_STATUSES } from './domain/payment.ts';
import { PAYOUT_RAILS } from './domain/payout.ts';

const TAGS = ['payments'];

export const PaymentOut = z.object({
  paymentId: z.string(),
  principal: z.string(),
  source: z.enum(['checkout', 'invoice']),
  status: z.enum(PAYMENT_STATUSES),
  usdCents: z.string(),
  acu: acuString,
  priceVersion: z.string(),
  checkoutUrl: z.string().nullable(),
  refundedCents: z.string(),
  refundedAcu: acuString,
  arrearsAcu: acuString,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const PayoutOut = z.object({
  payoutId: z.string(),
  provider: z.string(),
  rail: z.enum(PAYOUT_RAILS),
  destination: z.string(),
  acu: acuString,
  usdCents: z.string(),
  priceVersion: z.string(),
  status: z.enum(['PENDING', 'PAID', 'FAILED']),
  reference: z.string().nullable(),
  failure: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Whole USD cents, a JSON integer. */
const Cents = z.number().int('USD cents are whole').min(1).max(100_000_000);

export const checkoutRoute = defineRoute({
  id: 'payments-checkout',
  method: 'POST',
  path: '/v1/payments/checkout',
  access: 'buyer',
  summary: 'Buy ACU with Stripe: a Checkout Session at the current price version; credited once Stripe says it is paid',
  entry: 'functions/payments/handlers/checkout.ts',
  tags: TAGS,
  idempotent: true,
  request: {
    body: z
      .strictObject({ usdCents: Cents.optional(), acu: positiveAcu.optional() })
      .refine((b) => (b.usdCents === undefined) !== (b.acu === undefined), { message: 'give exactly one of usdCents and acu' }),
  },
  response: { status: 201, body: z.object({ payment: PaymentOut, url: z.string(), replayed: z.boolean() }) },
});

export const stripeWebhookRoute = defineRoute({
  id: 'payments-stripe-webhook',
  method: 'POST',
  path: '/webhooks/stripe',
  access: 'public',
  summary: "Stripe's webhook: verified by its Stripe-Signature over the raw body, recorded once, queued; 400 and nothing written when it does not verify",
  entry: 'functions/payments/handlers/stripe-webhook.ts',
  tags: TAGS,
  rawBody: true,
  timeoutSec: 10,
  response: { status: 200, body: z.object({ received: z.literal(true), eventId: z.string(), type: z.string(), duplicate: z.boolean(), handled: z.boolean() }) },
});

export const paymentsListRoute = defineRoute({
  id: 'payments-list',
  method: 'GET',
  path: '/v1/payments',
  access: 'buyer',
  summary: "The caller's payments, newest first",
  entry: 'functions/payments/handlers/payments-list.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ payments: z.array(PaymentOut) }) },
});

export const payoutRequestRoute = defineRoute({
  id: 'payments-payout-request',
  method: 'POST',
  path: '/v1/payouts',
  access: 'provider',
  summary: "Pay out a provider's ACU: held at once, paid through the rail by a worker (PENDING → PAID, or FAILED with the funds returned)",
  entry: 'functions/payments/handlers/payout-request.ts',
  tags: TAGS,
  idempotent: true,
  request: {
    body: z.discriminatedUnion('rail', [
      z.strictObject({
        amount: positiveAcu,
        rail: z.literal('stripe'),
        destination: z.string().regex(/^acct_[A-Za-z0-9]{1,64}$/, 'expected a connected account id acct_…'),
      }),
      z.strictObject({ amount: positiveAcu, rail: z.literal('chain'), destination: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a wallet address 0x…') }),
    ]),
  },
  response: { status: 202, body: z.object({ payout: PayoutOut, replayed: z.boolean() }) },
});

export const payoutsListRoute = defineRoute({
  id: 'payments-payouts-list',
  method: 'GET',
  path: '/v1/payouts',
  access: 'provider',
  summary: "The caller's payouts, newest first",
  entry: 'functions/payments/handlers/payouts-list.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ payouts: z.array(PayoutOut) }) },
});

const Parity = z.object({ ledgerMicroAcu: z.string(), ledgerBaseUnits: z.string(), chainBaseUnits: z.string(), chainMicroAcu: z.string(), ok: z.boolean() });

export const ReconcileOut = z.union([
  z.object({ chain: z.literal(false) }),
  z.object({
    chain: z.literal(true),
    /** The wallet's address (conversions and payouts go from it). */
    wallet: z.string(),
    /** The blocks this run read; toBlock < fromBlock when nothing was new since the last run. */
    fromBlock: z.number().int(),
    toBlock: z.number().int(),
    head: z.number().int(),
    /** Windows (checkpoints) this run made. */
    windows: z.number().int(),
    /** Chain logs no ledger record has matched yet, carried in the checkpoint. */
    openLogs: z.number().int(),
    ok: z.boolean(),
    /** Each difference as domain/reconcile.ts names it (amounts as decimal strings of µACU or base units). */
    differences: z.array(z.record(z.string(), z.unknown())),
    mintParity: Parity,
    payoutParity: Parity,
  }),
]);

export const reconcileRoute = defineRoute({
  id: 'payments-reconcile',
  method: 'GET',
  path: '/v1/payments/reconcile',
  access: 'operator',
  summary: 'Ledger against chain: conversions and on-chain payouts matched by transaction hash, every difference, and the mint and payout parities',
  entry: 'functions/payments/handlers/reconcile.ts',
  tags: TAGS,
  timeoutSec: 60,
  response: { status: 200, body: ReconcileOut },
});

export const paymentsRoutes = [checkoutRoute, stripeWebhookRoute, paymentsListRoute, payoutRequestRoute, payoutsListRoute, reconcileRoute];
