/**
 * The provider node end to end on the local stack with its jobs plugin: `vracu-provider init
 * --join-token` joins, keeps the node key 0600 and verifies it; `run` heartbeats (inventory
 * from a recorded nvidia-smi transcript); the node is quotable; a buyer reserves on it, submits
 * a GPU job, the job runs in the sandbox placed on the node's provider, and its end is billed
 * to the buyer's RC with no operator step (the bill on GET /v1/jobs/{id}). `run` retries with
 * backoff when the exchange is away and stops cleanly on its signal.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { mintRoute } from '../../../functions/ledger/api.ts';
import { portfolioRoute, purchaseRoute, quoteRoute } from '../../../functions/market/api.ts';
import { getJobRoute, submitJobRoute } from '../../../functions/jobs/api.ts';
import { joinTokenCreateRoute } from '../../../functions/providers/api.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { initAgents } from '../../../sdk/dispatcher/identities.ts';
import { dispatcherProgram } from '../../../sdk/dispatcher/program.ts';
import { providerProgram } from '../../../sdk/provider/program.ts';
import { runNode } from '../../../sdk/provider/node.ts';
import { startTestStack } from '../../support/stack.ts';
import { replay } from '../../support/smi-transcript.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let agentsDir: string;
let nodeDir: string;
let operatorKey: string;
let providerId: string;
let tick = 0;
const now = () => stack.runtime.clock.nowMs() + (tick += 10);

async function node(args: string[], o: { signal?: AbortSignal } = {}): Promise<string> {
  let out = '';
  const program = providerProgram({
    env: { VRACU_PROVIDER_CONFIG: nodeDir, VRACU_URL: stack.url },
    out: (s) => (out += s),
    smi: replay('h100x8-no-mig.json', { repeat: true }),
    now,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  await program.parseAsync(['node', 'vracu-provider', ...args]);
  return out;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  agentsDir = join(mkdtempSync(join(tmpdir(), 'vap-')), 'dispatcher');
  nodeDir = join(mkdtempSync(join(tmpdir(), 'vracu-node-')), 'provider');
  const rand = seededPrng(77);
  initAgents(agentsDir, 2, () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
  stack = await startTestStack({ plugins: true, jobs: { dispatcherDir: agentsDir, maxAgents: 2 } });
  const fleetKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['provider'], tenant: 'fleet' } })).secret;
  for (const i of [1, 2])
    await dispatcherProgram({ VAP_API_URL: stack.url, VRACU_API_KEY: fleetKey, VAP_DISPATCHER_CONFIG: agentsDir }, () => undefined).parseAsync([
      'node',
      'vap-dispatcher',
      'register',
      `agent-${i}`,
      `ari${i}`,
    ]);
  operatorKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['operator'] } })).secret;
});
afterAll(async () => {
  await stack?.stop();
});

describe('vracu-provider against the local stack', () => {
  it('init: joins, keeps the node key 0600, verifies; a second init refuses', async () => {
    const t = await stack.client(operatorKey).call(joinTokenCreateRoute, { body: { policy: { gpuModels: ['H100'], regions: [], maxUnits: 8 }, ttlSec: 600 } });
    const out = await node(['init', '--join-token', t.token, '--gpu-model', 'H100', '--region', 'us-east', '--units', '8', '--spot-price', '3']);
    providerId = /joined as (prv_\w+)/.exec(out)![1]!;
    expect(out).toContain('node key verified (ed25519)');
    expect(statSync(join(nodeDir, 'node-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(nodeDir, 'node.json')).mode & 0o777).toBe(0o600);
    expect(statSync(nodeDir).mode & 0o777).toBe(0o700);
    await expect(node(['init', '--join-token', t.token, '--gpu-model', 'H100', '--region', 'us-east', '--units', '8', '--spot-price', '3'])).rejects.toThrow(
      /set up already/,
    );
  });

  it('run --once: a signed heartbeat with the nvidia-smi inventory; status: online and quotable', async () => {
    expect(await node(['run', '--once'])).toMatch(/heartbeat accepted: 8 units, 8 free, 1\.000 SCM\/min \(relisted\)/);
    expect(await node(['status'])).toMatch(new RegExp(`${providerId} node-1: VERIFIED, online, quotable; 8 units, 8 free`));
    const json = JSON.parse(await node(['--json', 'status'])) as { exchange: { inventory: { gpus: unknown[] } } };
    expect(json.exchange.inventory.gpus).toHaveLength(8);
  });

  it("a buyer's GPU job runs placed on the node's provider and is billed to the buyer's RC when it ends", async () => {
    const { principalId, secret } = await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } });
    await stack.admin.call(mintRoute, { body: { user: principalId, amount: '100' }, idempotencyKey: `mint-${principalId}` });
    const buyer = stack.client(secret);
    const q = await buyer.call(quoteRoute, { body: { tenor: 'T7D', quantityScu: 10, providerIds: [providerId] } });
    await buyer.call(purchaseRoute, { body: { quoteId: q.quoteId } });
    const job = await buyer.call(submitJobRoute, {
      body: { adapter: 'render', spec: { frames: 1, numGpus: 1, scmMinutes: 5, image: 'local/sandbox', command: ['echo', 'on the node'] } },
    });
    const billed = await until(
      () => buyer.call(getJobRoute, { params: { id: job.jobId } }),
      (j) => j.bill !== undefined,
    );
    expect(billed).toMatchObject({
      status: 'COMPLETED',
      providerId,
      placement: { reason: 'rc_coverage' },
      bill: { rule: 'completed', coveredScu: 1, spotScu: 0 },
    });
    const p = await buyer.call(portfolioRoute, { params: { userId: principalId } });
    expect(JSON.stringify(p)).toContain('"usedScu":1');
  });

  it('run: retries with backoff while the exchange is away, stops cleanly on its signal', async () => {
    const state = JSON.parse(readFileSync(join(nodeDir, 'node.json'), 'utf8')) as { url: string };
    writeFileSync(join(nodeDir, 'node.json'), JSON.stringify({ ...state, url: 'http://127.0.0.1:9' }), { mode: 0o600 });
    const ac = new AbortController();
    const waits: number[] = [];
    const r = await runNode(nodeDir, {
      signal: ac.signal,
      now,
      smi: replay('h100x8-no-mig.json', { repeat: true }),
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 4) ac.abort();
      },
    });
    expect(r).toEqual({ accepted: 0, failures: 4, stopped: 'signal' });
    expect(waits).toEqual([500, 1000, 2000, 4000]);
    writeFileSync(join(nodeDir, 'node.json'), JSON.stringify(state), { mode: 0o600 });
  });
});
