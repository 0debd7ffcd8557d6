/** `vracu payments` and `vracu payouts` build the typed requests and print what came back. */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { vracuProgram } from '../../../sdk/cli/program.ts';
import { usdToCents } from '../../../sdk/commands/payments.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(reply: unknown) {
  const seen: { method: string; url: string; body: string; idem: unknown }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, idem: req.headers['idempotency-key'] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

const run = async (url: string, args: string[]) => {
  let out = '';
  await vracuProgram({ VRACU_URL: url, VRACU_API_KEY: 'vk_test' }, (s) => (out += s)).parseAsync(['node', 'vracu', ...args]);
  return out;
};

const payment = { paymentId: 'pay_1', status: 'PENDING', usdCents: '2550', acu: '25.500000', priceVersion: 'p1', refundedAcu: '0.000000', createdAt: 't' };

describe('vracu payments', () => {
  it('usd is parsed to cents exactly', () => {
    expect([usdToCents('25'), usdToCents('25.5'), usdToCents('25.50'), usdToCents('0.07')]).toEqual([2500, 2550, 2550, 7]);
    expect(() => usdToCents('25.505')).toThrow(/at most 2 decimals/);
    expect(() => usdToCents('-1')).toThrow();
  });

  it('checkout --usd posts cents with an Idempotency-Key and prints the URL', async () => {
    const { url, seen } = await serve({ payment, url: 'https://checkout.stripe.com/c/pay/cs_1', replayed: false });
    const out = await run(url, ['payments', 'checkout', '--usd', '25.50', '--key', 'my-key-0001']);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/payments/checkout', idem: 'my-key-0001' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ usdCents: 2550 });
    expect(out).toContain('pay at https://checkout.stripe.com/c/pay/cs_1');
    await run(url, ['payments', 'checkout', '--acu', '10']);
    expect(JSON.parse(seen[1]!.body)).toEqual({ acu: '10' });
  });

  it('list and its alias credits read /v1/payments', async () => {
    const { url, seen } = await serve({ payments: [payment] });
    const out = await run(url, ['payments', 'credits']);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/v1/payments' });
    expect(out).toContain('pay_1');
  });

  it('reconcile exits non-zero on a difference', async () => {
    const parity = { ledgerMicroAcu: '1', ledgerBaseUnits: '1', chainBaseUnits: '0', chainMicroAcu: '0', ok: false };
    const { url } = await serve({
      chain: true,
      wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      fromBlock: 0,
      toBlock: 9,
      head: 9,
      windows: 1,
      openLogs: 0,
      ok: false,
      differences: [{ kind: 'missing_on_chain' }],
      mintParity: parity,
      payoutParity: parity,
    });
    await expect(run(url, ['payments', 'reconcile'])).rejects.toThrow(/differences/);
  });
});

describe('vracu payouts', () => {
  it('request posts the rail and destination; list reads /v1/payouts', async () => {
    const payout = {
      payoutId: 'po_1',
      status: 'PENDING',
      rail: 'chain',
      acu: '5.000000',
      destination: '0xabc',
      usdCents: '0',
      reference: null,
      createdAt: 't',
    };
    const { url, seen } = await serve({ payout, payouts: [payout], replayed: false });
    const out = await run(url, ['payouts', 'request', '--amount', '5', '--rail', 'chain', '--to', '0xabc']);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/payouts' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ amount: '5', rail: 'chain', destination: '0xabc' });
    expect(typeof seen[0]!.idem).toBe('string');
    expect(out).toContain('payout po_1: 5.000000 ACU by chain to 0xabc, PENDING');
    await run(url, ['payouts', 'list']);
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/v1/payouts' });
  });
});
