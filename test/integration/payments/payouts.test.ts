/**
 * Provider payouts on DynamoDB Local and the SQS server: the hold, the worker, the Stripe rail
 * (offline Stripe) and the chain rail (the ChainWallet on anvil with the exchange's contracts).
 */
import { Contract, type InterfaceAbi, type JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MockERC20Artifact } from '../../../contracts/artifacts.ts';
import { account, checkRuntimeLedger, ledgerFor } from '../../../functions/ledger/index.ts';
import { payoutRequestRoute, payoutsListRoute } from '../../../functions/payments/api.ts';
import { connectChainWallet, rpcSigner } from '../../../functions/payments/drivers/chain-wallet.ts';
import type { ChainWallet } from '../../../functions/payments/drivers/wallet.ts';
import { localProvider, LOCAL_CHAIN_ID, startChain, type LocalChain } from '../../../local/chain.ts';
import { scanTable } from '../../support/scan.ts';
import { call, drain, fundProvider, paymentsEnv, PAYOUT_CONSUMER, principal, type PaymentsEnv } from './support.ts';

const PROVIDER = principal('prov_a', 'provider');
let env: PaymentsEnv;

const fund = (provider: string, micro: bigint) => fundProvider(env, provider, micro);
const balance = (a: string) => ledgerFor(env.rt).balance(a);
const payouts = async () => (await scanTable(env.rt, 'payments')).filter((i) => String(i.pk).startsWith('PO#'));

describe('the Stripe rail', () => {
  beforeEach(async () => {
    env = await paymentsEnv({ env: { VRACU_PAYOUT_DAILY_LIMIT_ACU: '100', VRACU_PAYOUT_MIN_ACU: '5' } });
    await fund(PROVIDER.id, 500_000_000n);
  });

  it('holds the amount at once, then the worker transfers and settles: PAID, the ACU leave the exchange', async () => {
    const r = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '25.5', rail: 'stripe', destination: 'acct_1A2b' } });
    expect(r.status).toBe(202);
    const p = r.body.payout as Record<string, string>;
    expect(p).toMatchObject({ provider: 'prov_a', status: 'PENDING', acu: '25.500000', usdCents: '2550', rail: 'stripe', priceVersion: 'p1' });
    const hold = account.escrow(`payout_${p.payoutId}`);
    expect(await balance(account.provider(PROVIDER.id))).toBe(474_500_000n);
    expect(await balance(hold)).toBe(25_500_000n);
    expect(await drain(env, 'payouts', PAYOUT_CONSUMER)).toEqual({ handled: 1, failed: [] });
    const [t] = [...env.stripe.transfers.values()];
    expect(t).toMatchObject({ usdCents: 2550n, destination: 'acct_1A2b', idempotencyKey: `payout:${p.payoutId}`, transferGroup: p.payoutId });
    expect(await balance(hold)).toBe(0n);
    const list = await call(env, payoutsListRoute, PROVIDER);
    expect(list.body.payouts).toMatchObject([{ payoutId: p.payoutId, status: 'PAID', reference: t!.id }]);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('the same Idempotency-Key pays once; another body under it is a 409', async () => {
    const headers = { 'idempotency-key': 'payout-key-0001' };
    const a = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '10', rail: 'stripe', destination: 'acct_1' }, headers });
    const b = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '10', rail: 'stripe', destination: 'acct_1' }, headers });
    expect([b.status, b.body.replayed]).toEqual([202, true]);
    expect((b.body.payout as { payoutId: string }).payoutId).toBe((a.body.payout as { payoutId: string }).payoutId);
    await drain(env, 'payouts', PAYOUT_CONSUMER);
    expect(env.stripe.transfers.size).toBe(1);
    expect((await call(env, payoutsListRoute, PROVIDER)).body.payouts).toMatchObject([{ status: 'PAID' }]);
    expect(await balance(account.provider(PROVIDER.id))).toBe(490_000_000n);
    const c = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '11', rail: 'stripe', destination: 'acct_1' }, headers });
    expect([c.status, c.body.code]).toEqual([409, 'exists_with_different_payload']);
  });

  it('a rail that refuses fails the payout and returns the funds exactly once', async () => {
    env.stripe.failTransfers = 'account_invalid';
    const r = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '20', rail: 'stripe', destination: 'acct_gone' } });
    const id = (r.body.payout as { payoutId: string }).payoutId;
    // The message delivered twice (a redelivery): one return of the funds.
    await env.rt.queues.send('payouts', [{ body: { payoutId: id } }]);
    await drain(env, 'payouts', PAYOUT_CONSUMER);
    expect(await balance(account.provider(PROVIDER.id))).toBe(500_000_000n);
    expect(await balance(account.escrow(`payout_${id}`))).toBe(0n);
    const list = await call(env, payoutsListRoute, PROVIDER);
    expect(list.body.payouts).toMatchObject([{ status: 'FAILED', failure: expect.stringContaining('account_invalid') }]);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('the daily limit holds across payouts; the minimum and the balance are checked; nothing is written on a refusal', async () => {
    expect((await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '60', rail: 'stripe', destination: 'acct_1' } })).status).toBe(202);
    const over = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '41', rail: 'stripe', destination: 'acct_1' } });
    expect([over.status, over.body.code]).toEqual([409, 'payout_limit_exceeded']);
    const tooBig = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '101', rail: 'stripe', destination: 'acct_1' } });
    expect([tooBig.status, tooBig.body.code]).toEqual([409, 'payout_limit_exceeded']);
    const small = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '4.99', rail: 'stripe', destination: 'acct_1' } });
    expect([small.status, small.body.code]).toEqual([400, 'amount_out_of_range']);
    expect(await payouts()).toHaveLength(1);
    // Tomorrow the limit is fresh; a provider with too little is refused by the ledger.
    env.clock.advance(86_400_000);
    const poor = await call(env, payoutRequestRoute, principal('prov_poor', 'provider'), { body: { amount: '10', rail: 'stripe', destination: 'acct_1' } });
    expect([poor.status, poor.body.code]).toEqual([409, 'insufficient_funds']);
    expect((await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '41', rail: 'stripe', destination: 'acct_1' } })).status).toBe(202);
  });

  it('concurrent payouts never pass the daily limit', async () => {
    const rs = await Promise.all(
      Array.from({ length: 8 }, () => call(env, payoutRequestRoute, PROVIDER, { body: { amount: '30', rail: 'stripe', destination: 'acct_1' } })),
    );
    expect(rs.filter((r) => r.status === 202)).toHaveLength(3);
    expect(rs.filter((r) => r.status !== 202).every((r) => r.body.code === 'payout_limit_exceeded')).toBe(true);
    expect(await balance(account.provider(PROVIDER.id))).toBe(410_000_000n);
  });

  it('an unconfigured rail and a malformed destination are refused', async () => {
    const chain = await call(env, payoutRequestRoute, PROVIDER, {
      body: { amount: '10', rail: 'chain', destination: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' },
    });
    expect([chain.status, chain.body.code]).toEqual([409, 'payout_rail_unavailable']);
    const bad = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '10', rail: 'stripe', destination: 'not-an-account' } });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    const buyer = await call(env, payoutRequestRoute, principal('prn_b'), { body: { amount: '10', rail: 'stripe', destination: 'acct_1' } });
    expect(buyer.status).toBe(403);
    expect(await payouts()).toEqual([]);
  });
});

describe('the chain rail', () => {
  const TO = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
  let chain: LocalChain;
  let provider: JsonRpcProvider;
  let wallet: ChainWallet;

  beforeAll(async () => {
    chain = await startChain();
    provider = localProvider(chain.rpcUrl);
    wallet = await connectChainWallet({
      signer: rpcSigner(chain.rpcUrl, chain.walletKey, { chainId: LOCAL_CHAIN_ID, pollingIntervalMs: 50 }),
      routerAddress: chain.addresses.router,
    });
    // The wallet's custody: 50 ACU converted on chain.
    await wallet.convert({ microAcu: 50_000_000n });
  });
  afterAll(async () => {
    provider?.destroy();
    await chain?.stop();
  });
  beforeEach(async () => {
    env = await paymentsEnv({ env: { VRACU_PAYOUT_RAILS: 'stripe,chain' }, wallet: async () => wallet });
    await fund(PROVIDER.id, 500_000_000n);
  });
  const acuOf = async (who: string) =>
    (await new Contract(chain.addresses.acu, MockERC20Artifact.abi as InterfaceAbi, provider).getFunction('balanceOf')(who)) as bigint;

  it('pays ACU to the wallet address and records the transaction hash', async () => {
    const before = await acuOf(TO);
    const r = await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '12.5', rail: 'chain', destination: TO } });
    expect(r.status).toBe(202);
    await drain(env, 'payouts', PAYOUT_CONSUMER);
    const [p] = (await call(env, payoutsListRoute, PROVIDER)).body.payouts as { status: string; reference: string }[];
    expect(p!.status).toBe('PAID');
    expect((await provider.getTransactionReceipt(p!.reference))?.status).toBe(1);
    expect((await acuOf(TO)) - before).toBe(12_500_000n * 10n ** 12n);
  });

  it('a payout the chain refuses (more than the wallet holds) fails and returns the funds', async () => {
    await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '400', rail: 'chain', destination: TO } });
    await drain(env, 'payouts', PAYOUT_CONSUMER);
    const [p] = (await call(env, payoutsListRoute, PROVIDER)).body.payouts as { status: string; failure: string }[];
    expect(p).toMatchObject({ status: 'FAILED', failure: expect.stringContaining('insufficient_acu') });
    expect(await balance(account.provider(PROVIDER.id))).toBe(500_000_000n);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });
});
