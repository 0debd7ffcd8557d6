/**
 * With a chain configured: a credited payment is converted on chain (its hash recorded), and
 * reconciliation over the real chain agrees with the ledger until they are made to differ.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { account, checkRuntimeLedger, ledgerFor } from '../../../functions/ledger/index.ts';
import { payoutRequestRoute, reconcileRoute } from '../../../functions/payments/api.ts';
import { paymentOf } from '../../../functions/payments/store/reads.ts';
import {
  useLocalChain,
  call,
  drain,
  fundProvider,
  paidCheckout,
  paymentsEnv,
  PAYOUT_CONSUMER,
  principal,
  STRIPE_CONSUMER,
  type PaymentsEnv,
} from './support.ts';

const BUYER = principal('prn_buyer1');
const PROVIDER = principal('prov_c', 'provider');
const OPERATOR = principal('op1', 'operator');
const TO = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
let env: PaymentsEnv;
const lc = useLocalChain();

beforeEach(async () => {
  env = await paymentsEnv({ env: { VRACU_PAYOUT_RAILS: 'chain' }, wallet: async () => lc.wallet });
});

describe('conversion after the mint', () => {
  it('converts the credited ACU on chain once and records the hash; a redelivery sends nothing more', async () => {
    const pay = await paidCheckout(env, BUYER, 1500, 'evt_conv1');
    const p = (await paymentOf(env.deps.store, pay))!;
    expect(p.status).toBe('MINTED');
    expect(p.conversionTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await lc.provider.getTransactionReceipt(p.conversionTx!))?.status).toBe(1);
    // The same event again (a Stripe retry after the 5-minute FIFO dedupe window): no second conversion.
    await env.deps.rt.queues.send('stripeEvents', [{ body: JSON.parse(sessionEventMessage(pay)), groupId: BUYER.id, dedupId: 'evt_conv1-late' }]);
    await drain(env, 'stripeEvents', STRIPE_CONSUMER);
    const logs = await lc.wallet.conversions({ fromBlock: 0, toBlock: await lc.wallet.blockNumber() });
    expect(logs).toHaveLength(1);
    expect(await ledgerFor(env.rt).balance(account.user(BUYER.id))).toBe(15_000_000n);
  });
});

/** The queue message the webhook made for a completed session of `pay` (as normalise writes it). */
function sessionEventMessage(pay: string): string {
  const s = [...env.stripe.sessions.values()].find((x) => x.reference === pay)!;
  return JSON.stringify({
    kind: 'checkout',
    eventId: 'evt_conv1',
    type: 'checkout.session.completed',
    outcome: 'completed',
    paid: true,
    paymentId: pay,
    principal: BUYER.id,
    sessionId: s.id,
    paymentIntent: `pi_${pay}`,
    amountTotal: String(s.usdCents),
  });
}

describe('reconciliation', () => {
  it('agrees after conversions and an on-chain payout, then reports a conversion the ledger never recorded', async () => {
    await paidCheckout(env, BUYER, 1000, 'evt_r1');
    await paidCheckout(env, BUYER, 2500, 'evt_r2');
    await fundProvider(env, PROVIDER.id, 20_000_000n);
    expect((await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '5', rail: 'chain', destination: TO } })).status).toBe(202);
    await drain(env, 'payouts', PAYOUT_CONSUMER);

    const ok = await call(env, reconcileRoute, OPERATOR);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ chain: true, ok: true, differences: [] });
    expect(ok.body.mintParity).toMatchObject({ ledgerMicroAcu: '35000000', chainMicroAcu: '35000000', ok: true });
    expect(ok.body.payoutParity).toMatchObject({ ledgerMicroAcu: '5000000', chainMicroAcu: '5000000', ok: true });

    // A conversion nobody recorded (a process that died between sending and recording).
    const stray = await lc.wallet.convert({ microAcu: 1_000_000n });
    const bad = await call(env, reconcileRoute, OPERATOR);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.differences).toEqual([
      expect.objectContaining({ kind: 'missing_in_ledger', record: 'credit', log: expect.objectContaining({ txHash: stray.txHash }) }),
    ]);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('without a chain there is nothing to reconcile; a buyer may not ask', async () => {
    const plain = await paymentsEnv();
    expect((await call(plain, reconcileRoute, OPERATOR)).body).toEqual({ chain: false });
    expect((await call(plain, reconcileRoute, BUYER)).status).toBe(403);
  });
});
