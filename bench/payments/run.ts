/**
 * `npm run bench:payments`: Stripe webhooks on the local stack (DynamoDB Local, the SQS
 * server, the queue pump, the gateway). N payments are made by the checkout use case; one
 * signed `checkout.session.completed` per payment is then POSTed to /webhooks/stripe, each sent
 * twice (Stripe delivers at least once), from a thread of its own (deliver.ts): the first 200
 * one at a time, then 10 s at each offered rate (open loop), then the rest with C in flight
 * (closed loop). Measured: the acknowledgement's p50/p99 in each phase (at C in flight the opening
 * wave of C new connections apart from the steady state), the time until every payment is
 * credited, credits per second by the FIFO worker, DynamoDB requests per payment; checked: every
 * payment credited exactly once and the ledger check passes.
 * Options: --events <n> (10000), --rates <r,r,..> (100,200,300), --concurrency <n> (50),
 * --buyers <n> (50), --no-write. Writes the "## Payments" section of docs/performance.md.
 * Exit 1 when the p99 one at a time or at the first rate is over 100 ms, or a credit is wrong.
 */
import '../../local/process-defaults.ts';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { startLocalStack } from '../../local/stack.ts';
import { account, checkRuntimeLedger, ledgerFor } from '../../functions/ledger/index.ts';
import type { PaymentsDeps } from '../../functions/payments/index.ts';
import { checkout } from '../../functions/payments/usecases/checkout.ts';
import type { DeliverJob, DeliverResult } from './deliver.ts';
import { writeSection } from '../support/performance-doc.ts';
import { countRequests } from '../support/request-count.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    buyers: { type: 'string', default: '50' },
    rates: { type: 'string', default: '100,200,300' },
    'no-write': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
const BUYERS = Number(args.buyers);
const RATES = args.rates.split(',').map(Number);
const SECRET = 'whsec_bench_payments';
const TARGET_P99_MS = 100;
/** Deliveries made one at a time before the concurrent run (at most a quarter of them). */
const SERIAL = 200;
/** Seconds of each open-loop step (all steps together take at most half of the deliveries). */
const PACED_SEC = 10;

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
    const deliveries = payments.flatMap((p) => [p, p]).map(payloadOf);
    const requests = countRequests(stack, 'command');
    const t1 = performance.now();
    // One at a time first: the acknowledgement's own latency (the first delivery loads the
    // handler and opens the connections, so it is reported apart). Then C at once: the first C
    // in flight each open a new connection to the gateway (and the gateway's clients theirs to
    // DynamoDB Local and the SQS server) on a busy machine; they are reported apart (the
    // "opening wave"), the rest is the steady state.
    const serialCount = Math.min(SERIAL, Math.floor(deliveries.length / 4));
    const share = Math.floor(deliveries.length / 2 / RATES.length);
    const paced = RATES.map((ratePerSec) => ({ ratePerSec, count: Math.min(ratePerSec * PACED_SEC, share) }));
    const sent = await deliverFromThread({
      url: `${stack.url}/webhooks/stripe`,
      secret: SECRET,
      payloads: deliveries,
      serial: serialCount,
      paced,
      concurrency: CONCURRENCY,
    });
    const serial = sent.serial;
    const coldFirst = serial.shift() ?? NaN;
    const all = sent.concurrent;
    const wave = all.slice(0, CONCURRENCY);
    const steady = all.slice(CONCURRENCY);
    const bad = sent.refused;
    const concurrentSec = sent.concurrentSec;
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
      serialDeliveries: serial.length,
      serialP50: pct(serial, 50),
      serialP99: pct(serial, 99),
      coldFirstMs: Math.round(coldFirst),
      open: paced.map((step, i) => ({
        ratePerSec: step.ratePerSec,
        deliveries: sent.paced[i]!.length,
        p50: pct(sent.paced[i]!, 50),
        p99: pct(sent.paced[i]!, 99),
        max: Math.round(Math.max(...sent.paced[i]!)),
      })),
      concurrentDeliveries: all.length,
      allP50: pct(all, 50),
      allP99: pct(all, 99),
      waveMax: Math.round(Math.max(...wave)),
      ackP50: pct(steady, 50),
      ackP99: pct(steady, 99),
      concurrentPerSec: Math.round(all.length / concurrentSec),
      ackSec: Math.round(ackSec * 10) / 10,
      allSec: Math.round(allSec * 10) / 10,
      creditsPerSec: Math.round(EVENTS / allSec),
      refused: bad,
      wrongBalances: wrong,
      ledgerOk: check.ok,
      requestsPerPayment: requests.per(EVENTS, 2),
    };
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    if (!args['no-write']) writeDoc(r);
    const slow = [
      r.serialP99 > TARGET_P99_MS ? `p99 one at a time ${r.serialP99} ms` : '',
      r.open[0]!.p99 > TARGET_P99_MS ? `p99 at ${r.open[0]!.ratePerSec}/s ${r.open[0]!.p99} ms` : '',
    ].filter(Boolean);
    const ok = slow.length === 0 && wrong === 0 && bad === 0 && check.ok;
    if (!ok)
      process.stderr.write(
        `FAIL: ${slow.map((x) => `${x} > ${TARGET_P99_MS} ms; `).join('')}${wrong} wrong balances, ${bad} refused, ledger ${check.ok ? 'ok' : 'NOT ok'}\n`,
      );
    return ok;
  } finally {
    await stack.stop();
  }
}

/** Runs the deliveries on their own thread (deliver.ts) and waits for its answer. */
function deliverFromThread(job: DeliverJob): Promise<DeliverResult> {
  return new Promise((done, fail) => {
    const w = new Worker(new URL('./deliver.ts', import.meta.url), { workerData: job });
    w.once('message', (r: DeliverResult) => done(r));
    w.once('error', fail);
    w.once('exit', (code) => code !== 0 && fail(new Error(`the delivering thread exited with ${code}`)));
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function writeDoc(r: Record<string, any>) {
  const open = r.open as { ratePerSec: number; deliveries: number; p50: number; p99: number; max: number }[];
  const body = `
\`npm run bench:payments -- --events ${r.events}\` (run ${r.startedAt}; ${r.machine.cpus} cores shared with DynamoDB Local and the SQS server; Node ${r.machine.node}). The local stack over HTTP: ${r.events} payments made by the checkout use case (${r.checkoutSec} s), then one signed \`checkout.session.completed\` per payment POSTed to \`/webhooks/stripe\` **twice** (${r.deliveries} deliveries) for ${r.buyers} buyers (FIFO groups), from a thread of their own (Stripe's side, off the stack's event loop); the real queue pump drives the FIFO worker, which mints while the deliveries arrive.

| measure | value | target |
|---|---|---|
| acknowledgement one at a time, p50 / p99 (${r.serialDeliveries} deliveries) | ${r.serialP50} / ${r.serialP99} ms | p99 ≤ ${TARGET_P99_MS} ms |
| the very first delivery (loads the handler, opens the connections) | ${r.coldFirstMs} ms | |
${open.map((o, i) => `| offered ${o.ratePerSec} deliveries/s (open loop, ${o.deliveries}), p50 / p99 / max | ${o.p50} / ${o.p99} / ${o.max} ms | ${i === 0 ? `p99 ≤ ${TARGET_P99_MS} ms` : ''} |`).join('\n')}
| ${r.concurrency} always in flight (closed loop), steady state, p50 / p99 | ${r.ackP50} / ${r.ackP99} ms | |
| ${r.concurrency} in flight, the opening wave (first ${r.concurrency}), slowest | ${r.waveMax} ms | |
| deliveries acknowledged per second with ${r.concurrency} in flight | ${r.concurrentPerSec} | |
| all ${r.deliveries} deliveries acknowledged | ${r.ackSec} s | |
| every payment credited (from the first delivery) | ${r.allSec} s | |
| credits minted per second (worker) | ${r.creditsPerSec} | |
| DynamoDB requests per payment (two deliveries, one credit) | ${Object.entries(r.requestsPerPayment)
    .map(([k, v]) => (k === 'total' ? `**${v}**` : `${k} ${v}`))
    .join(', ')} | |

- Every payment credited exactly once: ${r.wrongBalances === 0 ? 'yes' : `**no** (${r.wrongBalances} buyers wrong)`}; refused deliveries: ${r.refused}; ledger check: ${r.ledgerOk ? 'ok' : '**failed**'}.
- Load average at the end of the run: ${r.machine.load.join(' / ')} (1 / 5 / 15 min) on ${r.machine.cpus} cores.
- How to read it. The acknowledgement is the HMAC check and two writes side by side (the event's receipt in DynamoDB, the SQS send). The target is read at an offered load, as Stripe sends: an event as it happens, not a fixed number always waiting. ${open[0]!.ratePerSec} deliveries/s is above what one Stripe account can sustain into this route: Checkout Sessions are created at most 25 a second at Stripe's default per-endpoint limit (100 requests/s for the whole account, live mode), and each paid one yields two of the events this route takes (\`checkout.session.completed\`, \`payment_intent.succeeded\`): about 50 deliveries/s, twice that when every one comes twice; the higher rates show where this machine bends. With ${r.concurrency} always in flight the figure measures throughput instead: by Little's law each waits about ${r.concurrency} / throughput = ${Math.round((r.concurrency / r.concurrentPerSec) * 1000)} ms, whatever the handler costs${r.ackP99 > TARGET_P99_MS ? `, so p99 ≤ ${TARGET_P99_MS} ms there would need more than ${Math.round((r.concurrency * 1000) / TARGET_P99_MS)} deliveries/s on these ${r.machine.cpus} cores (not reached)` : ''}; in the cloud the webhook and the worker are separate functions and scale apart, while here the gateway, every handler, the worker's ledger transactions and the SQS server share one event loop and DynamoDB Local the other core.
- What moved these figures (bench:payments, side by side on this machine): the X-Ray SDK's async hook on every promise, which the Powertools tracer loads even with tracing off, is off in local processes (\`AWS_XRAY_MANUAL_MODE\`, local/process-defaults.ts: 227 → 294 acknowledgements/s with ${r.concurrency} in flight); DynamoDB Local runs with the serial collector and C1 only (local/engines/dynamo.ts: 336 → 414/s; checkout of 2,000 payments 12.4 → 6.8 s).
`;
  writeSection('## Payments', body);
}

process.exit((await main()) ? 0 : 1);
