/**
 * A verified Stripe event reduced to what the credit worker needs: the queue message. Only
 * the fields read here cross the queue, so the worker never depends on Stripe's full shapes.
 * The types handled are listed in HANDLED; every other type is acknowledged and ignored on
 * purpose (`kind: 'ignored'`), never an error: Stripe would retry it for three days.
 *
 * Attribution: our Checkout Sessions carry `paymentId` and `principal` in their metadata and
 * in their PaymentIntent's; a subscription invoice carries them in the subscription's metadata.
 * Events without them (a charge, say) are attributed by the worker from its own records.
 */
import * as z from 'zod';

export const HANDLED = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.succeeded',
  'charge.refunded',
  'refund.created',
  'invoice.paid',
] as const;

const Cents = z.string().regex(/^\d{1,15}$/);
const Id = z.string().min(1).max(255);

export const StripeMessage = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('checkout'),
    eventId: Id,
    type: z.string(),
    /** completed: credit iff paid; async_succeeded: credit; async_failed / expired: fail. */
    outcome: z.enum(['completed', 'async_succeeded', 'async_failed', 'expired']),
    paid: z.boolean(),
    paymentId: Id.nullable(),
    principal: Id.nullable(),
    sessionId: Id,
    paymentIntent: Id.nullable(),
    amountTotal: Cents.nullable(),
  }),
  z.strictObject({
    kind: z.literal('payment_succeeded'),
    eventId: Id,
    type: z.string(),
    paymentId: Id.nullable(),
    principal: Id.nullable(),
    paymentIntent: Id,
  }),
  z.strictObject({
    kind: z.literal('refund'),
    eventId: Id,
    type: z.string(),
    paymentIntent: Id.nullable(),
    paymentId: Id.nullable(),
    principal: Id.nullable(),
    /** charge.refunded: the charge's running total of refunded cents. */
    chargeRefundedCents: Cents.nullable(),
    /** refund.created: this one refund. */
    refund: z.strictObject({ id: Id, cents: Cents }).nullable(),
  }),
  z.strictObject({
    kind: z.literal('invoice'),
    eventId: Id,
    type: z.string(),
    invoiceId: Id,
    principal: Id.nullable(),
    priceVersion: z.string().nullable(),
    amountPaid: Cents,
  }),
  z.strictObject({ kind: z.literal('ignored'), eventId: Id, type: z.string() }),
]);
export type StripeMessage = z.output<typeof StripeMessage>;

/** Just what normalisation reads of an event; the rest passes untouched. */
const Meta = z.record(z.string(), z.string()).nullish();
const Obj = z.looseObject({ id: z.string().optional(), metadata: Meta });
const EventShape = z.looseObject({ id: Id, type: z.string(), data: z.looseObject({ object: Obj }) });

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const idOf = (v: unknown): string | null => str(v) ?? (v && typeof v === 'object' ? str((v as { id?: unknown }).id) : null);
const cents = (v: unknown): string | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : null);

export class UnreadableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableEventError';
  }
}

/** A verified event as a queue message; UnreadableEventError when it is not an event at all. */
export function normalise(event: unknown): StripeMessage {
  const parsed = EventShape.safeParse(event);
  if (!parsed.success) throw new UnreadableEventError('the body is not a Stripe event (id, type, data.object)');
  const { id: eventId, type } = parsed.data;
  const o = parsed.data.data.object as Record<string, unknown> & { metadata?: Record<string, string> | null };
  const meta = o.metadata ?? {};
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const outcome = (
        {
          'checkout.session.completed': 'completed',
          'checkout.session.async_payment_succeeded': 'async_succeeded',
          'checkout.session.expired': 'expired',
        } as const
      )[type as 'checkout.session.completed'];
      return {
        kind: 'checkout',
        eventId,
        type,
        outcome: outcome ?? 'async_failed',
        paid: o.payment_status === 'paid',
        paymentId: str(meta.paymentId) ?? str(o.client_reference_id),
        principal: str(meta.principal),
        sessionId: idOf(o.id) ?? '',
        paymentIntent: idOf(o.payment_intent),
        amountTotal: cents(o.amount_total),
      };
    }
    case 'payment_intent.succeeded':
      return { kind: 'payment_succeeded', eventId, type, paymentId: str(meta.paymentId), principal: str(meta.principal), paymentIntent: idOf(o.id) ?? '' };
    case 'charge.refunded':
      return {
        kind: 'refund',
        eventId,
        type,
        paymentIntent: idOf(o.payment_intent),
        paymentId: str(meta.paymentId),
        principal: str(meta.principal),
        chargeRefundedCents: cents(o.amount_refunded),
        refund: null,
      };
    case 'refund.created': {
      const c = cents(o.amount);
      const rid = idOf(o.id);
      return {
        kind: 'refund',
        eventId,
        type,
        paymentIntent: idOf(o.payment_intent),
        paymentId: str(meta.paymentId),
        principal: str(meta.principal),
        chargeRefundedCents: null,
        refund: rid && c ? { id: rid, cents: c } : null,
      };
    }
    case 'invoice.paid': {
      // The subscription's metadata names the buyer (Stripe copies it onto the invoice's parent).
      const parent = (o.parent as { subscription_details?: { metadata?: Record<string, string> } } | undefined)?.subscription_details?.metadata;
      const legacy = (o.subscription_details as { metadata?: Record<string, string> } | undefined)?.metadata;
      const m = { ...legacy, ...parent, ...meta };
      return {
        kind: 'invoice',
        eventId,
        type,
        invoiceId: idOf(o.id) ?? '',
        principal: str(m.principal),
        priceVersion: str(m.priceVersion),
        amountPaid: cents(o.amount_paid) ?? '0',
      };
    }
    default:
      return { kind: 'ignored', eventId, type };
  }
}

/** The FIFO message group: one principal's payments in order; unattributed events share one group. */
export const groupOf = (m: StripeMessage): string => ('principal' in m && m.principal ? m.principal : 'unattributed');
