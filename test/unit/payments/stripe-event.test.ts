import { describe, expect, it } from 'vitest';
import { groupOf, normalise, StripeMessage, UnreadableEventError } from '../../../functions/payments/domain/stripe-event.ts';
import { clawback, refundedTotal } from '../../../functions/payments/domain/payment.ts';
import { signatureTimestamp, withinTolerance } from '../../../functions/payments/domain/webhook.ts';

const session = (type: string, extra: Record<string, unknown> = {}) => ({
  id: 'evt_1',
  object: 'event',
  type,
  data: {
    object: {
      id: 'cs_test_1',
      object: 'checkout.session',
      client_reference_id: 'pay_1',
      payment_status: 'paid',
      amount_total: 1000,
      payment_intent: 'pi_1',
      metadata: { paymentId: 'pay_1', principal: 'prn_a', priceVersion: 'p1' },
      ...extra,
    },
  },
});

describe('normalise', () => {
  it('reads a paid completed session', () => {
    const m = normalise(session('checkout.session.completed'));
    expect(m).toEqual({
      kind: 'checkout',
      eventId: 'evt_1',
      type: 'checkout.session.completed',
      outcome: 'completed',
      paid: true,
      paymentId: 'pay_1',
      principal: 'prn_a',
      sessionId: 'cs_test_1',
      paymentIntent: 'pi_1',
      amountTotal: '1000',
    });
    expect(StripeMessage.parse(m)).toEqual(m);
    expect(groupOf(m)).toBe('prn_a');
  });
  it('an unpaid completion is not paid; async outcomes are named', () => {
    expect(normalise(session('checkout.session.completed', { payment_status: 'unpaid' }))).toMatchObject({ paid: false, outcome: 'completed' });
    expect(normalise(session('checkout.session.async_payment_succeeded'))).toMatchObject({ outcome: 'async_succeeded' });
    expect(normalise(session('checkout.session.async_payment_failed'))).toMatchObject({ outcome: 'async_failed' });
    expect(normalise(session('checkout.session.expired'))).toMatchObject({ outcome: 'expired' });
  });
  it('reads refunds from both event types', () => {
    const charge = { id: 'evt_2', type: 'charge.refunded', data: { object: { id: 'ch_1', payment_intent: 'pi_1', amount_refunded: 400, metadata: {} } } };
    expect(normalise(charge)).toMatchObject({ kind: 'refund', chargeRefundedCents: '400', refund: null, paymentIntent: 'pi_1', principal: null });
    const refund = { id: 'evt_3', type: 'refund.created', data: { object: { id: 're_1', amount: 400, charge: 'ch_1', payment_intent: 'pi_1', metadata: {} } } };
    expect(normalise(refund)).toMatchObject({ kind: 'refund', chargeRefundedCents: null, refund: { id: 're_1', cents: '400' } });
    expect(groupOf(normalise(refund))).toBe('unattributed');
  });
  it('reads invoice.paid from the subscription metadata', () => {
    const inv = {
      id: 'evt_4',
      type: 'invoice.paid',
      data: {
        object: { id: 'in_1', amount_paid: 2500, metadata: {}, parent: { subscription_details: { metadata: { principal: 'prn_b', priceVersion: 'p1' } } } },
      },
    };
    expect(normalise(inv)).toEqual({
      kind: 'invoice',
      eventId: 'evt_4',
      type: 'invoice.paid',
      invoiceId: 'in_1',
      principal: 'prn_b',
      priceVersion: 'p1',
      amountPaid: '2500',
    });
  });
  it('every other type is ignored on purpose', () => {
    expect(normalise({ id: 'evt_5', type: 'customer.created', data: { object: { id: 'cus_1' } } })).toEqual({
      kind: 'ignored',
      eventId: 'evt_5',
      type: 'customer.created',
    });
  });
  it('refuses what is not an event', () => {
    expect(() => normalise({ type: 'x' })).toThrow(UnreadableEventError);
    expect(() => normalise('nope')).toThrow(UnreadableEventError);
  });
});

describe('refund totals', () => {
  const p = { usdCents: 1000n, refundedCents: 0n, refunds: {} as Record<string, bigint> };
  it('one refund seen by both events counts once, in either order', () => {
    const afterRefund = refundedTotal(p, { refund: { id: 're_1', cents: 400n } });
    expect(afterRefund).toBe(400n);
    const q = { ...p, refundedCents: 400n, refunds: { re_1: 400n } };
    expect(refundedTotal(q, { chargeRefundedCents: 400n })).toBe(400n);
    const afterCharge = refundedTotal(p, { chargeRefundedCents: 400n });
    expect(refundedTotal({ ...p, refundedCents: afterCharge }, { refund: { id: 're_1', cents: 400n } })).toBe(400n);
  });
  it('grows with a second refund and never passes the payment', () => {
    const q = { ...p, refundedCents: 400n, refunds: { re_1: 400n } };
    expect(refundedTotal(q, { refund: { id: 're_2', cents: 300n } })).toBe(700n);
    expect(refundedTotal(q, { chargeRefundedCents: 5000n })).toBe(1000n);
    expect(refundedTotal(q, { chargeRefundedCents: 100n })).toBe(400n);
  });
  it('claws back from the balance first, the rest into arrears', () => {
    expect(clawback(500n, 800n)).toEqual({ fromBalance: 500n, toArrears: 0n });
    expect(clawback(500n, 200n)).toEqual({ fromBalance: 200n, toArrears: 300n });
    expect(clawback(500n, 0n)).toEqual({ fromBalance: 0n, toArrears: 500n });
  });
});

describe('webhook timestamps', () => {
  it('reads t= from the header', () => {
    expect(signatureTimestamp('t=1700000000,v1=abc,v0=def')).toBe(1_700_000_000);
    expect(signatureTimestamp('v1=abc')).toBeNull();
  });
  it('refuses more than 300 s either way', () => {
    const now = 1_700_000_000_000;
    expect(withinTolerance(1_700_000_000 - 300, now)).toBe(true);
    expect(withinTolerance(1_700_000_000 - 301, now)).toBe(false);
    expect(withinTolerance(1_700_000_000 + 300, now)).toBe(true);
    expect(withinTolerance(1_700_000_000 + 301, now)).toBe(false);
  });
});
