/**
 * Reconciliation by windows and checkpoints on the real chain (anvil) and DynamoDB Local: each
 * run reads only the blocks after the last checkpoint and the records still open; a hash that
 * reaches the ledger late is matched by a later run; a run that died between its checkpoint and
 * closing its records is finished by the next one without counting anything twice; and two runs
 * at once cannot both move the checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { ChainRejectedError, type BlockRange, type ChainWallet } from '../../../functions/payments/drivers/wallet.ts';
import { payoutRequestRoute, reconcileRoute } from '../../../functions/payments/api.ts';
import { payoutOf } from '../../../functions/payments/store/reads.ts';
import { checkpointOf, openChainRecords, paymentOf } from '../../../functions/payments/store/reads.ts';
import { checkpointWritten, conversionDone } from '../../../functions/payments/store/writes.ts';
import { reconcileChain } from '../../../functions/payments/usecases/reconcile.ts';
import { paymentKey, RECONCILE_OPEN } from '../../../functions/payments/store/keys.ts';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalChain, call, drain, fundProvider, paidCheckout, paymentsEnv, PAYOUT_CONSUMER, principal, type PaymentsEnv } from './support.ts';

const BUYER = principal('prn_recon1');
const OPERATOR = principal('op_recon', 'operator');
const lc = useLocalChain();

/** The real wallet, recording the block ranges it is asked for and, when given, making one convert die after it sent. */
function watched(opts: { dieAfterSend?: boolean; holdHead?: Promise<void>; refusePayouts?: boolean } = {}) {
  const ranges: BlockRange[] = [];
  let die = opts.dieAfterSend ?? false;
  let hold = opts.holdHead;
  const w: ChainWallet = {
    address: lc.wallet.address,
    acuDecimals: lc.wallet.acuDecimals,
    async convert(req) {
      const r = await lc.wallet.convert(req);
      if (die) {
        die = false;
        throw new Error('connection reset after the send');
      }
      return r;
    },
    payout: async (req) => {
      if (opts.refusePayouts) throw new ChainRejectedError('paused', 'Pausable: paused');
      return lc.wallet.payout(req);
    },
    conversions: (range) => (ranges.push(range), lc.wallet.conversions(range)),
    payoutTransfers: (range) => lc.wallet.payoutTransfers(range),
    async blockNumber() {
      const h = hold;
      hold = undefined;
      if (h) await h;
      return lc.wallet.blockNumber();
    },
  };
  return { wallet: w, ranges };
}

async function envWith(wallet: ChainWallet, extra: Record<string, string> = {}): Promise<PaymentsEnv> {
  return paymentsEnv({ env: { VRACU_CHAIN_FROM_BLOCK: String((await lc.wallet.blockNumber()) + 1), ...extra }, wallet: async () => wallet });
}

describe('reconciliation by checkpoints', () => {
  it('walks the new blocks in windows, then reads only what came after; matched records leave the open set', async () => {
    const w = watched();
    const env = await envWith(w.wallet, { VRACU_CHAIN_RECONCILE_WINDOW: '2' });
    const from = env.deps.cfg.chainFromBlock;
    const pays = [
      await paidCheckout(env, BUYER, 1000, 'evt_w1'),
      await paidCheckout(env, BUYER, 2000, 'evt_w2'),
      await paidCheckout(env, BUYER, 3000, 'evt_w3'),
    ];
    const head = await lc.wallet.blockNumber();
    expect((await openChainRecords(env.deps.store)).payments.map((p) => p.paymentId).sort()).toEqual([...pays].sort());

    const first = await call(env, reconcileRoute, OPERATOR);
    expect(first.body).toMatchObject({ chain: true, ok: true, differences: [], wallet: lc.wallet.address, fromBlock: from, toBlock: head, head, openLogs: 0 });
    expect(first.body.windows).toBe(Math.ceil((head - from + 1) / 2));
    expect(first.body.mintParity).toMatchObject({ ledgerMicroAcu: '60000000', chainMicroAcu: '60000000', ok: true });
    // Each window read its own blocks, back to back, none twice.
    expect(w.ranges.map((r) => [r.fromBlock, r.toBlock])).toEqual(
      Array.from({ length: first.body.windows as number }, (_, i) => [from + 2 * i, Math.min(from + 2 * i + 1, head)]),
    );
    expect((await openChainRecords(env.deps.store)).payments).toEqual([]);
    for (const p of pays) expect((await paymentOf(env.deps.store, p))!.reconciledBlock).toBeGreaterThanOrEqual(from);
    expect((await checkpointOf(env.deps.store))!).toMatchObject({ toBlock: head, version: first.body.windows });

    // Nothing new: no block is read again, and the all-time parity stands.
    w.ranges.length = 0;
    const again = await call(env, reconcileRoute, OPERATOR);
    expect(again.body).toMatchObject({ ok: true, fromBlock: head + 1, toBlock: head, windows: 1 });
    expect(again.body.mintParity).toMatchObject({ ledgerMicroAcu: '60000000', chainMicroAcu: '60000000' });
    expect(w.ranges).toEqual([]);

    // One more credit: only its blocks are read.
    await paidCheckout(env, BUYER, 500, 'evt_w4');
    const next = await call(env, reconcileRoute, OPERATOR);
    expect(next.body).toMatchObject({ ok: true, fromBlock: head + 1, toBlock: await lc.wallet.blockNumber() });
    expect(w.ranges[0]!.fromBlock).toBe(head + 1);
    expect(next.body.mintParity).toMatchObject({ ledgerMicroAcu: '65000000', chainMicroAcu: '65000000' });
  });

  it('a window that would match more records than a checkpoint may name is halved until it fits', async () => {
    const env = await envWith(watched().wallet, { VRACU_CHAIN_RECONCILE_WINDOW: '100', VRACU_CHAIN_RECONCILE_MAX_MATCHES: '1' });
    for (const [i, cents] of [1000, 2000, 3000].entries()) await paidCheckout(env, BUYER, cents, `evt_half${i}`);
    const r = await call(env, reconcileRoute, OPERATOR);
    // One window of 100 blocks without the cap; with it, at least one window per matched record.
    expect(r.body).toMatchObject({ ok: true, differences: [], toBlock: await lc.wallet.blockNumber() });
    expect(r.body.windows).toBeGreaterThanOrEqual(3);
    expect(r.body.mintParity).toMatchObject({ ledgerMicroAcu: '60000000', chainMicroAcu: '60000000' });
    expect((await checkpointOf(env.deps.store))!.closing.credits.length).toBeLessThanOrEqual(1);
    expect((await openChainRecords(env.deps.store)).payments).toEqual([]);
  });

  it('a conversion whose hash reaches the ledger late: reported on both sides, then matched by a later run', async () => {
    const w = watched({ dieAfterSend: true });
    const env = await envWith(w.wallet);
    const pay = await paidCheckout(env, BUYER, 1500, 'evt_late');
    // The send went out, the process never heard back: the payment is marked sent, with no hash.
    const p = (await paymentOf(env.deps.store, pay))!;
    expect([p.conversionAttemptedAt !== undefined, p.conversionTx]).toEqual([true, undefined]);

    const before = await call(env, reconcileRoute, OPERATOR);
    expect(before.body.ok).toBe(false);
    expect(before.body.differences).toEqual([
      expect.objectContaining({ kind: 'missing_in_ledger', record: 'credit' }),
      expect.objectContaining({ kind: 'missing_on_chain', record: 'credit', id: pay }),
    ]);
    expect(before.body.openLogs).toBe(1);
    const log = (before.body.differences as { log?: { txHash: string; blockNumber: number } }[])[0]!.log!;

    // The operator records the hash the chain shows (the log is in the checkpoint now, its block long read).
    await conversionDone(env.deps.store, pay, { txHash: log.txHash, blockNumber: log.blockNumber });
    const after = await call(env, reconcileRoute, OPERATOR);
    expect(after.body).toMatchObject({ ok: true, differences: [], openLogs: 0 });
    expect(after.body.mintParity).toMatchObject({ ledgerMicroAcu: '15000000', chainMicroAcu: '15000000' });
  });

  it('a run that died after its checkpoint and before closing its records is finished by the next, counting nothing twice', async () => {
    const env = await envWith(watched().wallet);
    const pay = await paidCheckout(env, BUYER, 2500, 'evt_crash');
    const first = await reconcileChain(env.deps);
    expect(first).toMatchObject({ chain: true, ok: true });
    // The state such a crash leaves: the checkpoint names the record as closing, the record is still open.
    const cp = (await checkpointOf(env.deps.store))!;
    expect(cp.closing.credits).toEqual([pay]);
    await env.deps.rt.doc.send(
      new UpdateCommand({
        TableName: env.deps.store.table,
        Key: paymentKey(pay),
        UpdateExpression: 'SET gsi2pk = :o, gsi2sk = :s REMOVE reconciledBlock',
        ExpressionAttributeValues: { ':o': RECONCILE_OPEN, ':s': `PAY#${pay}` },
      }),
    );
    const next = await reconcileChain(env.deps);
    expect(next).toMatchObject({ ok: true, differences: [] });
    if (!next.chain) throw new Error('chain expected');
    expect([next.mintParity.ledgerMicroAcu, next.mintParity.chainMicroAcu]).toEqual([25_000_000n, 25_000_000n]);
    expect((await openChainRecords(env.deps.store)).payments).toEqual([]);
  });

  it('a chain payout the chain refused leaves the open set with nothing counted', async () => {
    const env = await envWith(watched({ refusePayouts: true }).wallet, { VRACU_PAYOUT_RAILS: 'chain' });
    const PROVIDER = principal('prov_recon', 'provider');
    await fundProvider(env, PROVIDER.id, 3_000_000n);
    const req = await call(env, payoutRequestRoute, PROVIDER, {
      body: { amount: '3', rail: 'chain', destination: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' },
    });
    await drain(env, 'payouts', PAYOUT_CONSUMER);
    const id = (req.body.payout as { payoutId: string }).payoutId;
    expect((await payoutOf(env.deps.store, id))!.status).toBe('FAILED');
    expect((await openChainRecords(env.deps.store)).payouts.map((p) => p.payoutId)).toEqual([id]);
    const r = await call(env, reconcileRoute, OPERATOR);
    expect(r.body).toMatchObject({ ok: true, differences: [] });
    expect(r.body.payoutParity).toMatchObject({ ledgerMicroAcu: '0', chainMicroAcu: '0' });
    expect((await openChainRecords(env.deps.store)).payouts).toEqual([]);
  });

  it('two runs at once: the one that writes its checkpoint second is refused (409 reconcile_busy) and changes nothing', async () => {
    let release!: () => void;
    const w = watched({ holdHead: new Promise<void>((r) => (release = r)) });
    const env = await envWith(w.wallet);
    await paidCheckout(env, BUYER, 1000, 'evt_busy');
    // A reads the checkpoint, then waits on the head; B runs whole meanwhile.
    const a = call(env, reconcileRoute, OPERATOR);
    await new Promise((r) => setTimeout(r, 200));
    const b = await call(env, reconcileRoute, OPERATOR);
    expect(b.body).toMatchObject({ ok: true });
    const cp = await checkpointOf(env.deps.store);
    release();
    const refused = await a;
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'reconcile_busy' });
    expect(await checkpointOf(env.deps.store)).toEqual(cp);
    // And the store's condition itself: a checkpoint computed from an older one is not written.
    expect(await checkpointWritten(env.deps.store, { ...cp!, version: cp!.version })).toBe(false);
  });
});
