/**
 * Payments under test: the real DynamoDB Local and SQS server (fauxqs), the offline Stripe
 * for the outbound API, and webhooks signed for real with Stripe's own test helper over the
 * exact bytes sent. The FIFO worker is driven from the real queue (receive, handle, delete
 * what did not fail), as the Lambda event source mapping does.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import Stripe from 'stripe';
import { apiGatewayEvent, lambdaContext } from '../../../local/apigw-event.ts';
import { toAuthorizerContext, type Principal, type Role } from '../../../functions/platform/auth/principal.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import type { QueueId } from '../../../functions/definitions/queues.ts';
import { composePayments, loadPaymentsConfig } from '../../../functions/payments/index.ts';
import { OfflineStripe } from '../../../functions/payments/drivers/stripe-offline.ts';
import { checkoutRoute, stripeWebhookRoute } from '../../../functions/payments/api.ts';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { connectChainWallet, rpcSigner } from '../../../functions/payments/drivers/chain-wallet.ts';
import { localProvider, LOCAL_CHAIN_ID, startChain, type LocalChain } from '../../../local/chain.ts';
import type { PaymentsDeps } from '../../../functions/payments/deps.ts';
import type { ChainWallet } from '../../../functions/payments/drivers/wallet.ts';

export const SECRET = 'whsec_test_payments_secret';

export const principal = (id: string, ...roles: Role[]): Principal => ({ id, tenant: id, roles: roles.length ? roles : ['buyer'], keyId: `key_${id}` });

export interface PaymentsEnv extends TestEnv {
  stripe: OfflineStripe;
  deps: PaymentsDeps;
}

export async function paymentsEnv(opts: { env?: Record<string, string>; wallet?: () => Promise<ChainWallet> } = {}): Promise<PaymentsEnv> {
  const env = await testEnv({ queues: true });
  const stripe = new OfflineStripe('https://checkout.stripe.test/c/pay');
  const deps = composePayments({
    rt: env.rt,
    config: loadPaymentsConfig({ VRACU_STRIPE_WEBHOOK_SECRET: SECRET, ...opts.env }),
    stripe,
    ...(opts.wallet ? { wallet: opts.wallet } : {}),
  });
  env.compositions.payments = deps;
  return { ...env, stripe, deps };
}

export interface CallResult {
  status: number;
  contentType: string;
  body: Record<string, unknown> & { code?: string };
}

type Handler = (event: never, ctx: never) => Promise<APIGatewayProxyStructuredResultV2>;

export async function call(
  env: TestEnv,
  route: RouteSpec,
  who: Principal | null,
  input: { body?: unknown; rawBody?: string; base64?: boolean; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const h = (await env.invoke(route.entry)) as unknown as Handler;
  const text = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  const body = text !== undefined && input.base64 ? Buffer.from(text, 'utf8').toString('base64') : text;
  const headers = { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...(input.headers ?? {}) };
  const event = apiGatewayEvent(
    route,
    { method: route.method, path: route.path, headers, ...(body !== undefined ? { body } : {}) },
    {},
    toAuthorizerContext(who),
  );
  if (input.base64) event.isBase64Encoded = true;
  const res = await h(event as never, lambdaContext(route.id) as never);
  const out = res.body ?? '';
  return { status: res.statusCode ?? 200, contentType: String(res.headers?.['content-type'] ?? ''), body: out ? JSON.parse(out) : {} };
}

/** A Stripe event as Stripe sends it (the fields the exchange reads, and a few it does not). */
export function stripeEvent(id: string, type: string, object: Record<string, unknown>, createdSec: number): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-09-30.clover',
    created: createdSec,
    livemode: false,
    pending_webhooks: 1,
    type,
    data: { object },
  });
}

/** A checkout.session.* event for a session the exchange made (its metadata as the checkout wrote it). */
export function sessionEvent(
  env: PaymentsEnv,
  id: string,
  type: string,
  paymentId: string,
  over: { payment_status?: string; amount_total?: number; payment_intent?: string } = {},
): string {
  const s = [...env.stripe.sessions.values()].find((x) => x.reference === paymentId);
  if (!s) throw new Error(`no session for ${paymentId}`);
  return stripeEvent(
    id,
    type,
    {
      id: s.id,
      object: 'checkout.session',
      mode: 'payment',
      client_reference_id: paymentId,
      amount_total: over.amount_total ?? Number(s.usdCents),
      currency: 'usd',
      payment_status: over.payment_status ?? 'paid',
      payment_intent: over.payment_intent ?? `pi_${paymentId}`,
      metadata: s.metadata,
    },
    Math.floor(env.clock.nowMs() / 1000),
  );
}

/** Signs `payload` for real (Stripe's helper), at the test clock unless told otherwise. */
export function sign(env: TestEnv, payload: string, o: { secret?: string; timestampSec?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? SECRET, timestamp: o.timestampSec ?? Math.floor(env.clock.nowMs() / 1000) });
}

export const deliver = (
  env: TestEnv,
  payload: string,
  o: { secret?: string; timestampSec?: number; signature?: string; base64?: boolean; body?: string } = {},
) =>
  call(env, stripeWebhookRoute, null, {
    rawBody: o.body ?? payload,
    headers: { 'stripe-signature': o.signature ?? sign(env, payload, o) },
    ...(o.base64 ? { base64: true } : {}),
  });

/** Every message now on a queue (received, not yet deleted). */
export async function receive(env: TestEnv, q: QueueId): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const r = await env.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: env.queues![q],
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!r.Messages?.length) return out;
    out.push(...r.Messages);
  }
}

export function sqsEvent(msgs: Message[]): SQSEvent {
  return {
    Records: msgs.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: (m.Attributes ?? {}) as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn',
      awsRegion: 'us-east-1',
    })),
  };
}

/** One pass of a queue's consumer over what the queue holds; handled messages are deleted. */
export async function drain(env: TestEnv, q: QueueId, entry: string): Promise<{ handled: number; failed: string[] }> {
  const h = (await env.invoke(entry)) as unknown as (e: SQSEvent, c: never) => Promise<SQSBatchResponse>;
  let handled = 0;
  const failedAll: string[] = [];
  for (;;) {
    const msgs = await receive(env, q);
    if (!msgs.length) return { handled, failed: failedAll };
    // FIFO: the server hands one group's messages out in order; a batch is what Lambda would get.
    for (let i = 0; i < msgs.length; i += 10) {
      const batch = msgs.slice(i, i + 10);
      const res = await h(sqsEvent(batch), {} as never);
      const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of batch) {
        if (failed.has(m.MessageId!)) failedAll.push(m.MessageId!);
        else {
          handled++;
          await env.sqs.send(new DeleteMessageCommand({ QueueUrl: env.queues![q], ReceiptHandle: m.ReceiptHandle! }));
        }
      }
    }
    if (failedAll.length) return { handled, failed: failedAll };
  }
}

export const STRIPE_CONSUMER = 'functions/payments/handlers/stripe-event-consumer.ts';
export const PAYOUT_CONSUMER = 'functions/payments/handlers/payout-consumer.ts';

/** A checkout by `buyer` for `cents`, its signed checkout.session.completed delivered and the worker drained: the payment id (MINTED). */
export async function paidCheckout(env: PaymentsEnv, buyer: Principal, cents: number, eventId: string): Promise<string> {
  const r = await call(env, checkoutRoute, buyer, { body: { usdCents: cents } });
  const pay = (r.body.payment as { paymentId: string }).paymentId;
  await deliver(env, sessionEvent(env, eventId, 'checkout.session.completed', pay));
  await drain(env, 'stripeEvents', STRIPE_CONSUMER);
  return pay;
}

/** Puts `micro` µACU on a provider's account (from mint), so it has something to pay out. */
export async function fundProvider(env: TestEnv, provider: string, micro: bigint): Promise<void> {
  await ledgerFor(env.rt).transfer({
    key: `fund:${provider}:${micro}`,
    requestHash: 'h',
    postings: [{ from: account.mint, to: account.provider(provider), amount: micro }],
    memo: 'fund',
    result: {},
  });
}

export interface LocalChainFixture {
  chain: LocalChain;
  provider: JsonRpcProvider;
  /** The exchange's wallet on it (the dev operator key). */
  wallet: ChainWallet;
}

/**
 * anvil with the exchange's contracts for one test file (its hooks registered where this is
 * called): started once, every test starting from the chain as deployed (evm_snapshot/revert).
 */
export function useLocalChain(): LocalChainFixture {
  const f = {} as LocalChainFixture;
  let snapshot = '';
  beforeAll(async () => {
    f.chain = await startChain();
    f.provider = localProvider(f.chain.rpcUrl);
    f.wallet = await connectChainWallet({
      signer: rpcSigner(f.chain.rpcUrl, f.chain.walletKey, { chainId: LOCAL_CHAIN_ID, pollingIntervalMs: 50 }),
      routerAddress: f.chain.addresses.router,
    });
    snapshot = (await f.provider.send('evm_snapshot', [])) as string;
  });
  afterAll(async () => {
    f.provider?.destroy();
    await f.chain?.stop();
  });
  beforeEach(async () => {
    await f.provider.send('evm_revert', [snapshot]);
    snapshot = (await f.provider.send('evm_snapshot', [])) as string;
  });
  return f;
}
