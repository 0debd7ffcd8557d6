/**
 * `npm start -- --chain` end to end: the local stack starts anvil (recorded by its crash-safety
 * registry), deploys the contracts and turns the wallet on; a buyer's checkout, Stripe's signed
 * webhook through the gateway and the FIFO worker mint the credit, the wallet converts it on
 * chain, and `vracu payments reconcile` finds the ledger and the chain in agreement. Stopping
 * the stack stops anvil; starting it again on the same data dir resumes the same chain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, type InterfaceAbi } from 'ethers';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversionRouterArtifact, MockERC20Artifact } from '../../../contracts/artifacts.ts';
import { account, checkRuntimeLedger, ledgerFor } from '../../../functions/ledger/index.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { checkoutRoute } from '../../../functions/payments/api.ts';
import type { PaymentsDeps } from '../../../functions/payments/index.ts';
import { paymentOf } from '../../../functions/payments/store/reads.ts';
import { localProvider } from '../../../local/chain.ts';
import { isAlive, recordedChildren } from '../../../local/processes.ts';
import { runVracu } from '../../support/cli.ts';
import { startTestStack } from '../../support/stack.ts';

const SECRET = 'whsec_e2e_chain';
let stack: Awaited<ReturnType<typeof startTestStack>>;
let dataDir: string;
/** The stack's tables, the same when it starts again on the same data dir. */
const tablePrefix = `echain${process.pid}`;

beforeAll(async () => {
  // A data dir of its own (not memory) so the children's records can be read.
  dataDir = mkdtempSync(join(tmpdir(), 'vracu-e2e-chain-'));
  stack = await startTestStack({ chain: true, memory: false, dataDir, tablePrefix, env: { VRACU_STRIPE_WEBHOOK_SECRET: SECRET } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const until = async (ok: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the local stack with a chain', () => {
  it('checkout → webhook → mint → conversion on chain → reconcile with no difference; anvil stops with the stack', async () => {
    const chain = stack.chain!;
    expect(new URL(chain.rpcUrl).hostname).toBe('127.0.0.1');
    expect(recordedChildren(dataDir)).toEqual([expect.objectContaining({ pid: chain.pid, what: 'anvil' })]);
    const provider = localProvider(chain.rpcUrl);
    const acu = new Contract(chain.addresses.acu, MockERC20Artifact.abi as InterfaceAbi, provider);
    const router = new Contract(chain.addresses.router, ConversionRouterArtifact.abi as InterfaceAbi, provider);
    const before = (await acu.getFunction('balanceOf')(chain.addresses.operator)) as bigint;

    const k = await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } });
    const out = await stack.client(k.secret).call(checkoutRoute, { body: { usdCents: 4200 }, idempotencyKey: 'e2e-chain-1' });
    const paymentId = out.payment.paymentId;
    const nowSec = Math.floor(stack.runtime.clock.nowMs() / 1000);
    const payload = JSON.stringify({
      id: 'evt_e2e_chain_1',
      object: 'event',
      type: 'checkout.session.completed',
      created: nowSec,
      data: {
        object: {
          id: 'cs_test_e2e_chain',
          object: 'checkout.session',
          client_reference_id: paymentId,
          amount_total: 4200,
          payment_status: 'paid',
          payment_intent: 'pi_e2e_chain',
          metadata: { paymentId, principal: k.principalId, priceVersion: 'p1' },
        },
      },
    });
    const res = await fetch(`${stack.url}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: nowSec }),
      },
      body: payload,
    });
    expect(res.status).toBe(200);

    const store = (stack.compositions.payments as PaymentsDeps).store;
    await until(async () => Boolean((await paymentOf(store, paymentId))?.conversionTx));
    const p = (await paymentOf(store, paymentId))!;
    expect(p.status).toBe('MINTED');
    expect(await ledgerFor(stack.runtime).balance(account.user(k.principalId))).toBe(42_000_000n);
    // The conversion is a mined transaction with the router's event for the credited amount (18-decimal ACU).
    const receipt = (await provider.getTransactionReceipt(p.conversionTx!))!;
    expect(receipt.status).toBe(1);
    const events = receipt.logs.map((l) => router.interface.parseLog(l)).filter((e) => e?.name === 'ConversionExecuted');
    expect(events).toHaveLength(1);
    expect((await acu.getFunction('balanceOf')(chain.addresses.operator)) - before).toBe(42n * 10n ** 18n);

    const printed = await runVracu(stack.url, stack.adminKey, ['payments', 'reconcile']);
    expect(printed).toMatch(/^OK: blocks \d+-\d+ in \d+ window\(s\) \(head \d+\), 0 difference\(s\), 0 unmatched log\(s\) carried\n  wallet 0x[0-9a-fA-F]{40}/);
    expect(printed).toContain('minted on chain 42000000 µACU, ledger 42000000');
    expect((await checkRuntimeLedger(stack.runtime)).ok).toBe(true);
    provider.destroy();

    await stack.stop();
    expect(isAlive({ pid: chain.pid })).toBe(false);
    expect(recordedChildren(dataDir)).toEqual([]);

    // Started again on the same data dir: the chain is the kept one, so the payment's conversion
    // is still on it and the reconciliation, resuming from its checkpoint, still agrees.
    stack = await startTestStack({ chain: true, memory: false, dataDir, tablePrefix, env: { VRACU_STRIPE_WEBHOOK_SECRET: SECRET } });
    expect(stack.chain!.addresses).toEqual(chain.addresses);
    const again = localProvider(stack.chain!.rpcUrl);
    expect((await again.getTransactionReceipt(p.conversionTx!))?.status).toBe(1);
    again.destroy();
    const resumed = await runVracu(stack.url, stack.adminKey, ['payments', 'reconcile']);
    expect(resumed).toMatch(/^OK: .*, 0 difference\(s\)/);
    expect(resumed).toContain('minted on chain 42000000 µACU, ledger 42000000');
  }, 180_000);
});
