/**
 * Buying ACU end to end on the local stack: checkout over HTTP with a buyer key, Stripe's
 * signed webhook through the local gateway (public route, raw body), the queue pump driving
 * the FIFO worker, the credit visible in the ledger.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { checkoutRoute, paymentsListRoute } from '../../../functions/payments/api.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { startTestStack } from '../../support/stack.ts';

const SECRET = 'whsec_e2e_payments';
let stack: Awaited<ReturnType<typeof startTestStack>>;

beforeAll(async () => {
  stack = await startTestStack({ env: { VRACU_STRIPE_WEBHOOK_SECRET: SECRET } });
});
afterAll(async () => stack?.stop());

const until = async (ok: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('a buyer pays with Stripe', () => {
  it('checkout, the signed webhook, the credit', async () => {
    const k = await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } });
    const buyer = stack.client(k.secret);
    const out = await buyer.call(checkoutRoute, { body: { usdCents: 4200 }, idempotencyKey: 'e2e-checkout-1' });
    expect(out.payment).toMatchObject({ status: 'PENDING', acu: '42.000000', priceVersion: 'p1' });
    expect(out.url).toMatch(/^http/);

    const nowSec = Math.floor(stack.runtime.clock.nowMs() / 1000);
    const payload = JSON.stringify({
      id: 'evt_e2e_1',
      object: 'event',
      type: 'checkout.session.completed',
      created: nowSec,
      data: {
        object: {
          id: 'cs_test_e2e',
          object: 'checkout.session',
          client_reference_id: out.payment.paymentId,
          amount_total: 4200,
          payment_status: 'paid',
          payment_intent: 'pi_e2e',
          metadata: { paymentId: out.payment.paymentId, principal: k.principalId, priceVersion: 'p1' },
        },
      },
    });
    const post = (signature: string, body = payload) =>
      fetch(`${stack.url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
    const bad = await post(Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong', timestamp: nowSec }));
    expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([400, 'webhook_signature_invalid']);
    const good = await post(Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: nowSec }));
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ received: true, eventId: 'evt_e2e_1', duplicate: false });

    const balance = () => ledgerFor(stack.runtime).balance(account.user(k.principalId));
    await until(async () => (await balance()) === 42_000_000n);
    const list = await buyer.call(paymentsListRoute);
    expect(list.payments).toMatchObject([{ paymentId: out.payment.paymentId, status: 'MINTED' }]);
  });
});
