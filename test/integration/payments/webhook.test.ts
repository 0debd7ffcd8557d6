/**
 * POST /webhooks/stripe and the FIFO worker, on DynamoDB Local and the SQS server, with
 * payloads signed by Stripe's own helper over the exact bytes sent.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { account, checkRuntimeLedger, ledgerFor } from '../../../functions/ledger/index.ts';
import { checkoutRoute, paymentsListRoute } from '../../../functions/payments/api.ts';
import { paymentOf } from '../../../functions/payments/store/reads.ts';
import { composePayments, loadPaymentsConfig } from '../../../functions/payments/index.ts';
import { QUEUES, queueName } from '../../../functions/definitions/queues.ts';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { scanTable } from '../../support/scan.ts';
import {
  call,
  deliver,
  drain,
  paymentsEnv,
  principal,
  receive,
  sessionEvent,
  sign,
  sqsEvent,
  stripeEvent,
  STRIPE_CONSUMER,
  type PaymentsEnv,
} from './support.ts';

const BUYER = principal('prn_buyer1');
let env: PaymentsEnv;

beforeEach(async () => {
  env = await paymentsEnv();
});

async function checkout(usdCents: number, who = BUYER): Promise<string> {
  const r = await call(env, checkoutRoute, who, { body: { usdCents } });
  expect(r.status).toBe(201);
  return (r.body.payment as { paymentId: string }).paymentId;
}

const balance = (p = BUYER.id) => ledgerFor(env.rt).balance(account.user(p));
const events = async () => (await scanTable(env.rt, 'payments')).filter((i) => String(i.pk).startsWith('EVT#'));

describe('the webhook', () => {
  it('a signed completed session is recorded, queued for the buyer, and credited by the worker', async () => {
    const pay = await checkout(2500);
    const payload = sessionEvent(env, 'evt_paid_1', 'checkout.session.completed', pay);
    const r = await deliver(env, payload);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ received: true, eventId: 'evt_paid_1', type: 'checkout.session.completed', duplicate: false, handled: true });
    expect((await events()).map((e) => e.eventId)).toEqual(['evt_paid_1']);
    const msgs = await receive(env, 'stripeEvents');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.Attributes).toMatchObject({ MessageGroupId: 'prn_buyer1', MessageDeduplicationId: 'evt_paid_1' });
    // Put it back for the worker (a visibility timeout of 0 makes it visible again).
    await env.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: env.queues!.stripeEvents, ReceiptHandle: msgs[0]!.ReceiptHandle!, VisibilityTimeout: 0 }),
    );
    expect(await drain(env, 'stripeEvents', STRIPE_CONSUMER)).toEqual({ handled: 1, failed: [] });
    expect(await balance()).toBe(25_000_000n);
    expect((await paymentOf(env.deps.store, pay))!.status).toBe('MINTED');
    const list = await call(env, paymentsListRoute, BUYER);
    expect(list.body.payments).toMatchObject([{ paymentId: pay, status: 'MINTED', acu: '25.000000' }]);
  });

  it('a base64-encoded body (API Gateway) is decoded before verification', async () => {
    const pay = await checkout(1000);
    const payload = sessionEvent(env, 'evt_b64', 'checkout.session.completed', pay);
    const r = await deliver(env, payload, { base64: true });
    expect(r.status).toBe(200);
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(10_000_000n);
  });

  describe('refusals: 400, nothing written, nothing queued', () => {
    let payload: string;
    beforeEach(async () => {
      payload = sessionEvent(env, 'evt_bad', 'checkout.session.completed', await checkout(1000));
    });
    const nowSec = () => Math.floor(env.clock.nowMs() / 1000);
    const cases: [string, () => Parameters<typeof deliver>[2]][] = [
      ['a tampered body', () => ({ body: payload.replace('"amount_total":1000', '"amount_total":9000') })],
      ['a re-serialised body', () => ({ body: JSON.stringify(JSON.parse(payload), null, 2) })],
      ['a wrong secret', () => ({ secret: 'whsec_wrong' })],
      ['a timestamp 301 s old', () => ({ timestampSec: nowSec() - 301 })],
      ['a timestamp 1 h ahead', () => ({ timestampSec: nowSec() + 3600 })],
      ['no signature', () => ({ signature: '' })],
      ['a signature without a timestamp', () => ({ signature: 'v1=00' })],
    ];
    it.each(cases)('%s', async (_name, opts) => {
      const r = await deliver(env, payload, opts());
      expect([r.status, r.body.code, r.contentType]).toEqual([400, 'webhook_signature_invalid', 'application/problem+json']);
      expect(await events()).toEqual([]);
      expect(await receive(env, 'stripeEvents')).toEqual([]);
    });
    it('a timestamp 300 s old is still accepted', async () => {
      expect((await deliver(env, payload, { timestampSec: nowSec() - 300 })).status).toBe(200);
    });
  });

  it('without a configured secret every webhook is refused', async () => {
    env.compositions.payments = composePayments({ rt: env.rt, config: loadPaymentsConfig({}), stripe: env.stripe });
    const pay = await checkout(1000);
    const r = await deliver(env, sessionEvent(env, 'evt_nosecret', 'checkout.session.completed', pay));
    expect([r.status, r.body.code]).toEqual([400, 'webhook_signature_invalid']);
    expect(await events()).toEqual([]);
  });

  it('an event type nobody handles is acknowledged, recorded and not queued', async () => {
    const payload = stripeEvent('evt_cus', 'customer.created', { id: 'cus_1', object: 'customer' }, Math.floor(env.clock.nowMs() / 1000));
    const r = await deliver(env, payload);
    expect(r.body).toMatchObject({ handled: false, duplicate: false });
    expect((await events()).map((e) => e.eventId)).toEqual(['evt_cus']);
    expect(await receive(env, 'stripeEvents')).toEqual([]);
  });
});

describe('exactly-once credit', () => {
  it.each([1, 2, 10])('the same event delivered %i× concurrently credits once', async (n) => {
    const pay = await checkout(1234);
    const payload = sessionEvent(env, `evt_dup_${n}`, 'checkout.session.completed', pay);
    const header = sign(env, payload);
    const rs = await Promise.all(Array.from({ length: n }, () => deliver(env, payload, { signature: header })));
    expect(rs.every((r) => r.status === 200)).toBe(true);
    expect(rs.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(12_340_000n);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('a redelivered queue message and a second event for the same payment credit once', async () => {
    const pay = await checkout(1000);
    await deliver(env, sessionEvent(env, 'evt_c1', 'checkout.session.completed', pay));
    const [msg] = await receive(env, 'stripeEvents');
    const h = (await env.invoke(STRIPE_CONSUMER)) as unknown as (e: unknown, c: never) => Promise<{ batchItemFailures: unknown[] }>;
    // The worker "killed after the ledger write and before the delete": the message comes again.
    expect((await h(sqsEvent([msg!]), {} as never)).batchItemFailures).toEqual([]);
    expect((await h(sqsEvent([msg!]), {} as never)).batchItemFailures).toEqual([]);
    // Stripe also reports the intent: the same payment, no second credit.
    const pi = stripeEvent(
      'evt_pi1',
      'payment_intent.succeeded',
      { id: `pi_${pay}`, object: 'payment_intent', amount_received: 1000, metadata: { paymentId: pay, principal: BUYER.id } },
      Math.floor(env.clock.nowMs() / 1000),
    );
    await deliver(env, pi);
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(10_000_000n);
  });

  it('an unpaid completion waits; async success credits; async failure fails a payment', async () => {
    const a = await checkout(1000);
    const b = await checkout(2000);
    await deliver(env, sessionEvent(env, 'evt_u1', 'checkout.session.completed', a, { payment_status: 'unpaid' }));
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(0n);
    expect((await paymentOf(env.deps.store, a))!.status).toBe('PENDING');
    await deliver(env, sessionEvent(env, 'evt_u2', 'checkout.session.async_payment_succeeded', a));
    await deliver(env, sessionEvent(env, 'evt_u3', 'checkout.session.async_payment_failed', b, { payment_status: 'unpaid' }));
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(10_000_000n);
    expect((await paymentOf(env.deps.store, a))!.status).toBe('MINTED');
    expect((await paymentOf(env.deps.store, b))!.status).toBe('FAILED');
  });

  it('events shuffled reach the same final state', async () => {
    const pays = [await checkout(1000), await checkout(2000), await checkout(3000)];
    const payloads = pays.flatMap((p, i) => [
      sessionEvent(env, `evt_s${i}a`, 'checkout.session.completed', p),
      sessionEvent(env, `evt_s${i}b`, 'checkout.session.async_payment_succeeded', p),
    ]);
    // A fixed permutation (deterministic), then everything again in reverse.
    for (const i of [3, 0, 5, 1, 4, 2]) await deliver(env, payloads[i]!);
    for (const p of [...payloads].reverse()) await deliver(env, p);
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(60_000_000n);
  });

  it('a session whose amount differs from its payment is not credited and goes back to the queue', async () => {
    const pay = await checkout(1000);
    await deliver(env, sessionEvent(env, 'evt_mm', 'checkout.session.completed', pay, { amount_total: 999 }));
    const out = await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(out.failed).toHaveLength(1);
    expect(await balance()).toBe(0n);
  });
});

describe('refunds', () => {
  async function paid(cents: number): Promise<string> {
    const pay = await checkout(cents);
    await deliver(env, sessionEvent(env, `evt_paid_${pay}`, 'checkout.session.completed', pay));
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    return pay;
  }
  const t = () => Math.floor(env.clock.nowMs() / 1000);
  const chargeRefunded = (id: string, pay: string, cumulative: number) =>
    stripeEvent(id, 'charge.refunded', { id: `ch_${pay}`, object: 'charge', payment_intent: `pi_${pay}`, amount_refunded: cumulative, metadata: {} }, t());
  const refundCreated = (id: string, pay: string, refundId: string, cents: number) =>
    stripeEvent(id, 'refund.created', { id: refundId, object: 'refund', amount: cents, charge: `ch_${pay}`, payment_intent: `pi_${pay}`, metadata: {} }, t());

  it('a partial refund reported by both events debits once; the rest refunds fully', async () => {
    const pay = await paid(1000);
    await deliver(env, refundCreated('evt_r1', pay, 're_1', 400));
    await deliver(env, chargeRefunded('evt_r2', pay, 400));
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(6_000_000n);
    expect(await paymentOf(env.deps.store, pay)).toMatchObject({ status: 'MINTED', refundedCents: 400n, refundedMicroAcu: 4_000_000n });
    await deliver(env, chargeRefunded('evt_r3', pay, 1000));
    await deliver(env, refundCreated('evt_r4', pay, 're_2', 600));
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(0n);
    expect(await paymentOf(env.deps.store, pay)).toMatchObject({ status: 'REFUNDED', refundedCents: 1000n });
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('a refund larger than the balance takes the balance and books the rest to arrears; the next payment settles it', async () => {
    const pay = await paid(1000);
    // The buyer spends 7 ACU of the 10.
    await ledgerFor(env.rt).transfer({
      key: 'spend-1',
      requestHash: 'h',
      postings: [{ from: account.user(BUYER.id), to: account.platform, amount: 7_000_000n }],
      memo: 'spend',
      result: {},
    });
    await deliver(env, chargeRefunded('evt_ra', pay, 1000));
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(0n);
    expect(await ledgerFor(env.rt).balance(account.arrears(BUYER.id))).toBe(-7_000_000n);
    expect(await paymentOf(env.deps.store, pay)).toMatchObject({ status: 'REFUNDED', arrearsMicroAcu: 7_000_000n });
    // A new top-up of 10 ACU settles the 7 owed first.
    await paid(1000);
    expect(await balance()).toBe(3_000_000n);
    expect(await ledgerFor(env.rt).balance(account.arrears(BUYER.id))).toBe(0n);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('a refund of a payment not yet known is retried, not dropped', async () => {
    await deliver(env, chargeRefunded('evt_rx', 'pay_unknown', 100));
    const out = await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(out.failed).toHaveLength(1);
  });
});

describe('invoices', () => {
  it('invoice.paid credits the subscription’s buyer once, at the version its metadata names', async () => {
    const inv = stripeEvent(
      'evt_inv1',
      'invoice.paid',
      {
        id: 'in_1',
        object: 'invoice',
        amount_paid: 5000,
        metadata: {},
        parent: { subscription_details: { metadata: { principal: BUYER.id, priceVersion: 'p1' } } },
      },
      Math.floor(env.clock.nowMs() / 1000),
    );
    await deliver(env, inv);
    await deliver(env, inv.replace('evt_inv1', 'evt_inv1_again'));
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    expect(await balance()).toBe(50_000_000n);
    const list = await call(env, paymentsListRoute, BUYER);
    expect(list.body.payments).toMatchObject([{ paymentId: 'invoice_in_1', source: 'invoice', status: 'MINTED' }]);
  });
});

describe('poison messages', () => {
  it('a message the worker cannot read reaches the DLQ after the redrive count, and holds no other buyer back', async () => {
    const url = env.queues!.stripeEvents;
    await env.sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: '{"kind":"checkout"}', MessageGroupId: 'prn_poison', MessageDeduplicationId: 'poison-1' }),
    );
    const pay = await checkout(1000);
    await deliver(env, sessionEvent(env, 'evt_ok', 'checkout.session.completed', pay));
    const h = (await env.invoke(STRIPE_CONSUMER)) as unknown as (e: unknown, c: never) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
    for (let i = 0; i < QUEUES.stripeEvents.maxReceiveCount + 1; i++) {
      const msgs = await receive(env, 'stripeEvents');
      if (!msgs.length) break;
      const res = await h(sqsEvent(msgs), {} as never);
      const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of msgs) {
        if (failed.has(m.MessageId!))
          await env.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
        else await env.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(await balance()).toBe(10_000_000n);
    const dlq = (await env.sqs.send(new GetQueueUrlCommand({ QueueName: queueName(env.prefix, QUEUES.stripeEvents, true) }))).QueueUrl!;
    const dead = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect((dead.Messages ?? []).map((m) => m.Body)).toEqual(['{"kind":"checkout"}']);
  });
});
