/**
 * The real Stripe adapter (the `stripe` package) against a loopback server that records the
 * request: the method, path, headers and form-encoded parameters Stripe's API documents for
 * POST /v1/checkout/sessions and POST /v1/transfers, and how a refusal comes back.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StripeApiGateway, stripeClient } from '../../../functions/payments/drivers/stripe-api.ts';
import { StripeRefusedError } from '../../../functions/payments/drivers/stripe.ts';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}

let server: Server;
let port: number;
let seen: Seen[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, form: new URLSearchParams(body) });
      res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': 'req_test' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
});

const gateway = () => new StripeApiGateway(stripeClient({ apiKey: 'sk_test_123', host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 }));

describe('checkout session', () => {
  it('posts the documented form to /v1/checkout/sessions with the idempotency key', async () => {
    answer = { status: 200, body: { id: 'cs_test_a1', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_a1' } };
    const out = await gateway().createCheckoutSession({
      idempotencyKey: 'checkout:pay_1',
      usdCents: 1234n,
      description: '12.340000 ACU',
      reference: 'pay_1',
      metadata: { paymentId: 'pay_1', principal: 'prn_a', priceVersion: 'p1', microAcu: '12340000' },
      successUrl: 'https://vracu.example/ok',
      cancelUrl: 'https://vracu.example/cancel',
    });
    expect(out).toEqual({ id: 'cs_test_a1', url: 'https://checkout.stripe.com/c/pay/cs_test_a1' });
    expect(seen).toHaveLength(1);
    const r = seen[0]!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/v1/checkout/sessions');
    expect(r.headers.authorization).toBe('Bearer sk_test_123');
    expect(r.headers['idempotency-key']).toBe('checkout:pay_1');
    expect(r.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(r.headers['stripe-version']).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(Object.fromEntries(r.form)).toEqual({
      mode: 'payment',
      client_reference_id: 'pay_1',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '1234',
      'line_items[0][price_data][product_data][name]': '12.340000 ACU',
      'metadata[paymentId]': 'pay_1',
      'metadata[principal]': 'prn_a',
      'metadata[priceVersion]': 'p1',
      'metadata[microAcu]': '12340000',
      'payment_intent_data[metadata][paymentId]': 'pay_1',
      'payment_intent_data[metadata][principal]': 'prn_a',
      'payment_intent_data[metadata][priceVersion]': 'p1',
      'payment_intent_data[metadata][microAcu]': '12340000',
      success_url: 'https://vracu.example/ok',
      cancel_url: 'https://vracu.example/cancel',
    });
  });

  it('a 400 from Stripe is a refusal with its code', async () => {
    answer = { status: 400, body: { error: { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount must be at least $0.50 usd' } } };
    const err = await gateway()
      .createCheckoutSession({
        idempotencyKey: 'k',
        usdCents: 1n,
        description: 'x',
        reference: 'pay_2',
        metadata: {},
        successUrl: 'https://a.b/',
        cancelUrl: 'https://a.b/',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StripeRefusedError);
    expect((err as StripeRefusedError).code).toBe('amount_too_small');
  });
});

describe('connect transfer', () => {
  it('posts the documented form to /v1/transfers', async () => {
    answer = { status: 200, body: { id: 'tr_1', object: 'transfer' } };
    const out = await gateway().createTransfer({
      idempotencyKey: 'payout:po_1',
      usdCents: 5000n,
      destination: 'acct_123',
      metadata: { payoutId: 'po_1' },
      transferGroup: 'po_1',
    });
    expect(out).toEqual({ id: 'tr_1' });
    const r = seen[0]!;
    expect([r.method, r.path, r.headers['idempotency-key']]).toEqual(['POST', '/v1/transfers', 'payout:po_1']);
    expect(Object.fromEntries(r.form)).toEqual({
      amount: '5000',
      currency: 'usd',
      destination: 'acct_123',
      'metadata[payoutId]': 'po_1',
      transfer_group: 'po_1',
    });
  });
});
