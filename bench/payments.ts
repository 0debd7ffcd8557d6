/**
 * `npm run bench:payments`: Stripe webhooks on the local stack (DynamoDB Local, the SQS
 * server, the queue pump, the gateway). N payments are made by the checkout use case; one
 * signed `checkout.session.completed` per payment is then POSTed to /webhooks/stripe at C
 * concurrent, each sent twice (Stripe delivers at least once). Measured: the webhook's
 * acknowledgement p50/p99, the time until every payment is credited, credits per second by the
 * FIFO worker; checked: every payment credited exactly once and the ledger check passes.
 * Options: --events <n> (10000), --concurrency <n> (50), --buyers <n> (50), --no-write.
 * Writes the "## Payments" section of docs/performance.md. Exit 1 when p99 > 100 ms or a credit is wrong.
 */
import '../local/process-defaults.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import Stripe from 'stripe';
import { startLocalStack } from '../local/stack.ts';
import { account, checkRuntimeLedger, ledgerFor } from '../functions/ledger/index.ts';
import type { PaymentsDeps } from '../functions/payments/index.ts';
import { checkout } from '../functions/payments/usecases/checkout.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    buyers: { type: 'string', default: '50' },
    'no-write': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
const BUYERS = Number(args.buyers);
const SECRET = 'whsec_bench_payments';
const TARGET_P99_MS = 100;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10 : NaN;
};

async function pool<T>(items: T[], n: number, run: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

async function main() {
  const startedAt = new Date().toISOString();
  const stack = await startLocalStack({ port: 0, memory: true, quiet: true, schedules: false, plugins: false, env: { VRACU_STRIPE_WEBHOOK_SECRET: SECRET } });
  try {
    const d = stack.compositions.payments as PaymentsDeps;
    const buyers = Array.from({ length: BUYERS }, (_, i) => `prn_bench${String(i).padStart(4, '0')}`);
    const t0 = performance.now();
    const payments: { id: string; principal: string; cents: number }[] = [];
    await pool(
      Array.from({ length: EVENTS }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const principal = buyers[i % BUYERS]!;
        const cents = 100 + (i % 900);
        const p = await checkout(d, principal, { usdCents: BigInt(cents) });
        payments.push({ id: p.payment.paymentId, principal, cents });
      },
    );
    const checkoutSec = (performance.now() - t0) / 1000;

    const nowSec = () => Math.floor(Date.now() / 1000);
    const payloadOf = (p: (typeof payments)[number]) =>
      JSON.stringify({
        id: `evt_bench_${p.id}`,
        object: 'event',
        type: 'checkout.session.completed',
        data: {
          object: {
            id: `cs_${p.id}`,
            object: 'checkout.session',
            client_reference_id: p.id,
            amount_total: p.cents,
            payment_status: 'paid',
            metadata: { paymentId: p.id, principal: p.principal },
          },
        },
      });
    const acks: number[] = [];
    let bad = 0;
    const deliveries = payments.flatMap((p) => [p, p]);
    const t1 = performance.now();
    await pool(deliveries, CONCURRENCY, async (p) => {
      const payload = payloadOf(p);
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: nowSec() });
      const s = performance.now();
      const res = await fetch(`${stack.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      });
      await res.arrayBuffer();
      acks.push(performance.now() - s);
      if (res.status !== 200) bad++;
    });
    const ackSec = (performance.now() - t1) / 1000;

    const ledger = ledgerFor(stack.runtime);
    const expected = new Map<string, bigint>();
    for (const p of payments) expected.set(p.principal, (expected.get(p.principal) ?? 0n) + BigInt(p.cents) * 10_000n);
    const credited = async () => {
      let n = 0n;
      for (const b of buyers) n += await ledger.balance(account.user(b));
      return n;
    };
    const total = [...expected.values()].reduce((a, b) => a + b, 0n);
    const deadline = Date.now() + 30 * 60_000;
    while ((await credited()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const allSec = (performance.now() - t1) / 1000;
    let wrong = 0;
    for (const b of buyers) if ((await ledger.balance(account.user(b))) !== (expected.get(b) ?? 0n)) wrong++;
    const check = await checkRuntimeLedger(stack.runtime);
    const r = {
      startedAt,
      machine: { cpus: cpus().length, node: process.version, load: loadavg().map((x) => Math.round(x * 10) / 10) },
      events: EVENTS,
      deliveries: deliveries.length,
      concurrency: CONCURRENCY,
      buyers: BUYERS,
      checkoutSec: Math.round(checkoutSec * 10) / 10,
      ackP50: pct(acks, 50),
      ackP99: pct(acks, 99),
      ackSec: Math.round(ackSec * 10) / 10,
      allSec: Math.round(allSec * 10) / 10,
      creditsPerSec: Math.round(EVENTS / allSec),
      refused: bad,
      wrongBalances: wrong,
      ledgerOk: check.ok,
    };
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    if (!args['no-write']) writeDoc(r);
    const ok = r.ackP99 <= TARGET_P99_MS && wrong === 0 && bad === 0 && check.ok;
    if (!ok)
      process.stderr.write(
        `FAIL: ${r.ackP99 > TARGET_P99_MS ? `ack p99 ${r.ackP99} ms > ${TARGET_P99_MS} ms; ` : ''}${wrong} wrong balances, ${bad} refused, ledger ${check.ok ? 'ok' : 'NOT ok'}\n`,
      );
    return ok;
  } finally {
    await stack.stop();
  }
}

function replaceSection(doc: string, heading: string, body: string): string {
  const start = doc.indexOf(`${heading}\n`);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) return `${doc.trimEnd()}\n\n${section}`;
  const next = doc.indexOf('\n## ', start + heading.length);
  return `${doc.slice(0, start)}${section}${next < 0 ? '' : doc.slice(next)}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function writeDoc(r: Record<string, any>) {
  const path = join(ROOT, 'docs', 'performance.md');
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
  const body = `
\`npm run bench:payments -- --events ${r.events}\` (run ${r.startedAt}; ${r.machine.cpus} cores shared with DynamoDB Local and the SQS server; Node ${r.machine.node}). The local stack over HTTP: ${r.events} payments made by the checkout use case (${r.checkoutSec} s), then one signed \`checkout.session.completed\` per payment POSTed to \`/webhooks/stripe\` **twice** (${r.deliveries} deliveries) at ${r.concurrency} concurrent, for ${r.buyers} buyers (FIFO groups); the real queue pump drives the FIFO worker.

| measure | value | target |
|---|---|---|
| webhook acknowledgement p50 | ${r.ackP50} ms | |
| webhook acknowledgement p99 | ${r.ackP99} ms | ≤ ${TARGET_P99_MS} ms |
| all ${r.deliveries} deliveries acknowledged | ${r.ackSec} s | |
| every payment credited (from the first delivery) | ${r.allSec} s | |
| credits minted per second (worker) | ${r.creditsPerSec} | |

- Every payment credited exactly once: ${r.wrongBalances === 0 ? 'yes' : `**no** (${r.wrongBalances} buyers wrong)`}; refused deliveries: ${r.refused}; ledger check: ${r.ledgerOk ? 'ok' : '**failed**'}.
- Load average at the end of the run: ${r.machine.load.join(' / ')} (1 / 5 / 15 min) on ${r.machine.cpus} cores. The acknowledgement is two writes (the event's receipt, the SQS send) after the HMAC check; at ${r.concurrency} concurrent on this machine it is throughput-bound (${Math.round(r.deliveries / r.ackSec)} deliveries/s, the gateway, the handlers, the worker and DynamoDB Local sharing the cores), so p50/p99 measure queueing more than the handler.${r.ackP99 > TARGET_P99_MS ? ` **The p99 target (≤ ${TARGET_P99_MS} ms) is missed here.**` : ''}
`;
  writeFileSync(path, replaceSection(doc, '## Payments', body));
}

process.exit((await main()) ? 0 : 1);
