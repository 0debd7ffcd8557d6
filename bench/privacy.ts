/**
 * bench:privacy — DEK release per broker, in process: p50/p99 latency and releases/s for the
 * static broker, split_key (the share service on a loopback port) and aws_kms (the real SDK path
 * against the loopback KMS). Bounded: a fixed number of releases per broker, loopback only.
 * Prints JSON lines and the machine's load. The handshake through the local API is not measured
 * here yet (docs/performance.md).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { KMSClient } from '@aws-sdk/client-kms';
import { DEVELOPMENT_SEED_HEX } from '../functions/privacy/config.ts';
import type { KeyBroker, KeyRequest } from '../functions/privacy/domain/broker.ts';
import { KmsBroker } from '../functions/privacy/drivers/kms-broker.ts';
import { startShareService } from '../functions/privacy/drivers/share-service.ts';
import { SplitKeyBroker } from '../functions/privacy/drivers/split-key-broker.ts';
import { StaticBroker } from '../functions/privacy/drivers/static-broker.ts';
import { startLoopbackKms } from '../local/kms/loopback.ts';

const N = Number(process.env.BENCH_PRIVACY_N ?? 2000);
const WARMUP = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function measure(name: string, broker: KeyBroker): Promise<void> {
  const base: KeyRequest = {
    jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
    attestationHash: `sha256:${'a'.repeat(64)}`,
    sessionId: 'ses_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
    saltHex: randomBytes(32).toString('hex'),
    step: 0,
  };
  for (let i = 0; i < WARMUP; i++) (await broker.dataKey({ ...base, step: i })).plaintext.fill(0);
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    const k = await broker.dataKey({ ...base, step: WARMUP + i });
    lat.push(performance.now() - s);
    k.plaintext.fill(0);
  }
  const wall = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      bench: 'dek_release_in_process',
      broker: name,
      n: N,
      p50Ms: +pct(lat, 50).toFixed(3),
      p99Ms: +pct(lat, 99).toFixed(3),
      perSecond: Math.round(N / wall),
    }),
  );
}

const load = loadavg().map((x) => +x.toFixed(2));
console.log(JSON.stringify({ bench: 'machine', loadavg: load }));
await measure('static', new StaticBroker(Buffer.from(DEVELOPMENT_SEED_HEX, 'hex'), Buffer.from('bench')));
const credential = randomBytes(24).toString('base64url');
const shares = await startShareService({ key: randomBytes(32), credential });
try {
  await measure(
    'split_key',
    new SplitKeyBroker(new StaticBroker(Buffer.from(DEVELOPMENT_SEED_HEX, 'hex'), Buffer.from('bench')), { url: shares.url, credential }),
  );
} finally {
  await shares.close();
}
const kms = await startLoopbackKms();
try {
  const client = new KMSClient({ region: 'us-east-1', endpoint: kms.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await measure('aws_kms (loopback KMS)', new KmsBroker(client, 'alias/vracu-bench'));
  client.destroy();
} finally {
  await kms.close();
}
console.log(JSON.stringify({ bench: 'machine', loadavgAfter: loadavg().map((x) => +x.toFixed(2)) }));
