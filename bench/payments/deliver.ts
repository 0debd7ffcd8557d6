/**
 * bench:payments' Stripe: a worker thread that signs and POSTs the webhook deliveries, so the
 * load it makes (HMAC, the HTTP client) runs beside the stack's event loop, as Stripe's would,
 * not on it. It sends the first `serial` one at a time; then each paced step's `count` at its
 * fixed offered rate (open loop: each is sent at its time whether or not earlier ones were
 * answered, and its latency counts from that time, so a sender that falls behind is not
 * hidden); then the rest
 * with `concurrency` always in flight (closed loop). It answers each delivery's latency (ms, in
 * order) and how many were not 200.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import Stripe from 'stripe';

export interface DeliverJob {
  url: string;
  secret: string;
  payloads: string[];
  serial: number;
  /** Open-loop steps, in order: deliveries per second offered, and how many. */
  paced: { ratePerSec: number; count: number }[];
  concurrency: number;
}

export interface DeliverResult {
  serial: number[];
  /** Per paced step, each delivery's latency. */
  paced: number[][];
  /** Concurrent deliveries by their index among them (0 = the first after the serial ones). */
  concurrent: number[];
  concurrentSec: number;
  refused: number;
}

const job = workerData as DeliverJob;
let refused = 0;

async function deliver(payload: string, from?: number): Promise<number> {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: job.secret, timestamp: Math.floor(Date.now() / 1000) });
  const s = from ?? performance.now();
  const res = await fetch(job.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  await res.arrayBuffer();
  if (res.status !== 200) refused++;
  return performance.now() - s;
}

/** Sends payloads[i] at start + i / rate, never waiting for an answer before the next. */
async function openLoop(payloads: string[], ratePerSec: number): Promise<number[]> {
  const out = new Array<number>(payloads.length);
  const every = 1000 / ratePerSec;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < payloads.length; ) {
    const now = performance.now();
    for (; i < payloads.length && start + i * every <= now; i++) {
      const k = i;
      inFlight.push(deliver(payloads[k]!, start + k * every).then((ms) => void (out[k] = ms)));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  return out;
}

const serial: number[] = [];
for (const p of job.payloads.slice(0, job.serial)) serial.push(await deliver(p));
let sent = job.serial;
const paced: number[][] = [];
for (const step of job.paced) {
  const payloads = job.payloads.slice(sent, sent + step.count);
  sent += payloads.length;
  paced.push(await openLoop(payloads, step.ratePerSec));
}
const rest = job.payloads.slice(sent);
const concurrent = new Array<number>(rest.length);
let next = 0;
const t = performance.now();
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (next < rest.length) {
      const i = next++;
      concurrent[i] = await deliver(rest[i]!);
    }
  }),
);
parentPort!.postMessage({ serial, paced, concurrent, concurrentSec: (performance.now() - t) / 1000, refused } satisfies DeliverResult);
