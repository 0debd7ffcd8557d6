/** POST /v1/payments/checkout and GET /v1/payments on DynamoDB Local, with the offline Stripe. */
import { beforeEach, describe, expect, it } from 'vitest';
import { checkoutRoute, paymentsListRoute } from '../../../functions/payments/api.ts';
import { scanTable } from '../../support/scan.ts';
import { call, paymentsEnv, principal, type PaymentsEnv } from './support.ts';

const BUYER = principal('prn_buyer1');
let env: PaymentsEnv;

beforeEach(async () => {
  env = await paymentsEnv();
});

describe('checkout', () => {
  it('makes a PENDING payment at the current price version and returns the session URL', async () => {
    const r = await call(env, checkoutRoute, BUYER, { body: { usdCents: 2500 } });
    expect(r.status).toBe(201);
    const payment = r.body.payment as Record<string, string>;
    expect(payment).toMatchObject({ principal: 'prn_buyer1', status: 'PENDING', usdCents: '2500', acu: '25.000000', priceVersion: 'p1', source: 'checkout' });
    const session = [...env.stripe.sessions.values()][0]!;
    expect(r.body.url).toBe(session.url);
    expect(payment.checkoutUrl).toBe(session.url);
    // The session names the principal, the price version and the ACU amount.
    expect(session.metadata).toEqual({ paymentId: payment.paymentId, principal: 'prn_buyer1', priceVersion: 'p1', microAcu: '25000000', acu: '25.000000' });
    expect(session).toMatchObject({ usdCents: 2500n, reference: payment.paymentId, idempotencyKey: `checkout:${payment.paymentId}` });
  });

  it('an ACU amount is charged in whole cents, CEIL', async () => {
    const r = await call(env, checkoutRoute, BUYER, { body: { acu: '10.004' } });
    expect(r.status).toBe(201);
    expect(r.body.payment).toMatchObject({ usdCents: '1001', acu: '10.010000' });
  });

  it('the same Idempotency-Key answers the same payment; another body under it is a 409', async () => {
    const headers = { 'idempotency-key': 'chk-0001-abc' };
    const a = await call(env, checkoutRoute, BUYER, { body: { usdCents: 1000 }, headers });
    const b = await call(env, checkoutRoute, BUYER, { body: { usdCents: 1000 }, headers });
    expect(b.status).toBe(201);
    expect(b.body.replayed).toBe(true);
    expect((b.body.payment as { paymentId: string }).paymentId).toBe((a.body.payment as { paymentId: string }).paymentId);
    expect(env.stripe.sessions.size).toBe(1);
    const c = await call(env, checkoutRoute, BUYER, { body: { usdCents: 2000 }, headers });
    expect([c.status, c.body.code]).toEqual([409, 'exists_with_different_payload']);
  });

  it.each([
    [{ usdCents: 1000, acu: '10' }, 'validation_failed'],
    [{}, 'validation_failed'],
    [{ usdCents: 10.5 }, 'validation_failed'],
    [{ acu: '1.0000001' }, 'validation_failed'],
    [{ usdCents: 99 }, 'amount_out_of_range'],
    [{ usdCents: 1_000_001 }, 'amount_out_of_range'],
  ])('%j → 400 %s, nothing written', async (body, code) => {
    const r = await call(env, checkoutRoute, BUYER, { body });
    expect([r.status, r.body.code, r.contentType]).toEqual([400, code, 'application/problem+json']);
    expect(await scanTable(env.rt, 'payments')).toEqual([]);
    expect(env.stripe.sessions.size).toBe(0);
  });

  it('a provider key may not check out', async () => {
    const r = await call(env, checkoutRoute, principal('prn_p', 'provider'), { body: { usdCents: 1000 } });
    expect([r.status, r.body.code]).toEqual([403, 'forbidden']);
  });
});

describe('listing', () => {
  it("lists the caller's payments only, newest first", async () => {
    await call(env, checkoutRoute, BUYER, { body: { usdCents: 1000 } });
    env.clock.advance(1000);
    await call(env, checkoutRoute, BUYER, { body: { usdCents: 2000 } });
    await call(env, checkoutRoute, principal('prn_other'), { body: { usdCents: 3000 } });
    const r = await call(env, paymentsListRoute, BUYER);
    expect(r.status).toBe(200);
    expect((r.body.payments as { usdCents: string }[]).map((p) => p.usdCents)).toEqual(['2000', '1000']);
  });
});
