/**
 * Through the local stack over HTTP: the dispatcher makes identities and registers them, a
 * buyer's job runs in a sandbox, and `vap-dispatcher verify` / `privacy` prove the
 * container's creation and deletion offline.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeControlPlane } from '../../../functions/control-plane/index.ts';
import { signCurrentHead } from '../../../functions/control-plane/usecases/transparency.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { getJobRoute, jobLogsRoute, listAgentsRoute, submitJobRoute, attestationsRoute } from '../../../functions/jobs/api.ts';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { initAgents } from '../../../sdk/dispatcher/identities.ts';
import { dispatcherProgram } from '../../../sdk/dispatcher/program.ts';
import { vracuProgram } from '../../../sdk/cli/program.ts';
import { startTestStack } from '../../support/stack.ts';
import type { VracuClient } from '../../../sdk/client.ts';

const SEED = 4242;
let stack: Awaited<ReturnType<typeof startTestStack>>;
let dir: string;
let providerKey: string;
let buyerKey: string;
let buyer: VracuClient;

async function dispatcher(args: string[], key: string): Promise<string> {
  let out = '';
  const env = { VAP_API_URL: stack.url, VRACU_API_KEY: key, VAP_DISPATCHER_CONFIG: dir };
  process.exitCode = undefined;
  await dispatcherProgram(env, (s) => (out += s)).parseAsync(['node', 'vap-dispatcher', ...args]);
  return out;
}

async function vracu(args: string[], key: string): Promise<string> {
  let out = '';
  await vracuProgram({ VRACU_URL: stack.url, VRACU_API_KEY: key }, (s) => (out += s)).parseAsync(['node', 'vracu', ...args]);
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
  dir = join(mkdtempSync(join(tmpdir(), 'vap-')), 'dispatcher');
  const rand = seededPrng(SEED);
  initAgents(dir, 3, () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
  stack = await startTestStack({ plugins: true, jobs: { dispatcherDir: dir, maxAgents: 3 } });
  providerKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['provider'], tenant: 'fleet' } })).secret;
  buyerKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'buyer-a' } })).secret;
  buyer = stack.client(buyerKey);
});

afterAll(async () => {
  await stack?.stop();
});

describe(`vap-dispatcher against the local stack (seed ${SEED})`, () => {
  it('init wrote 0600 key files in 0700 directories and refuses to overwrite them', async () => {
    expect(statSync(join(dir, 'agents', 'agent-1', 'keys.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'agents', 'agent-1', 'SOUL.md')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'agents', 'agent-1')).mode & 0o777).toBe(0o700);
    await expect(dispatcher(['init', '-n', '2'], providerKey)).rejects.toThrow(/refusing to overwrite/);
  });

  it('registers identities; registering again is harmless', async () => {
    for (const i of [1, 2, 3])
      expect(await dispatcher(['register', `agent-${i}`, `ari${i}`], providerKey)).toContain(`registered agent-${i} as ari${i}.agentplatform@`);
    expect(await dispatcher(['register', 'agent-1', 'ari1'], providerKey)).toContain('already registered');
    expect(await dispatcher(['status'], providerKey)).toContain('Queue: 0/3');
  });

  it('a job runs, its output is kept, and verify proves creation and deletion offline', async () => {
    const submitted = await buyer.call(submitJobRoute, {
      body: {
        adapter: 'render',
        spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', 'echo hello-from-job'] },
        timeoutMs: 20_000,
        memoryMb: 256,
      },
    });
    const job = await until(
      () => buyer.call(getJobRoute, { params: { id: submitted.jobId } }),
      (j) => ['COMPLETED', 'FAILED', 'ABORTED'].includes(j.status),
    );
    expect(job).toMatchObject({ status: 'COMPLETED', exitCode: 0, attested: { creation: true, deletion: true } });
    const logs = await until(
      () => buyer.call(jobLogsRoute, { params: { id: job.jobId } }),
      (l) => l.lines.length > 0,
    );
    expect(logs.lines.map((l) => l.message)).toContain('hello-from-job');
    const out = await dispatcher(['verify', job.jobId], buyerKey);
    expect(out).toContain('✅');
    // Registered after the last signed tree head (there is none yet): logged, not yet in a head.
    expect(out).toContain('agent key logged after the latest signed tree head');
    expect(process.exitCode).toBeUndefined();
    // The job was billed to the exchange pool and its receipt signed; its signer keys were logged with the first receipt.
    const receiptFile = join(dir, '..', 'receipt.json');
    await until(
      () => vracu(['receipts', 'get', job.jobId, '--out', receiptFile], buyerKey).catch(() => ''),
      (o) => o.includes('written'),
    );
    expect(await vracu(['receipts', 'verify', receiptFile], buyerKey)).toContain('signing keys logged after the latest signed tree head');
    await signCurrentHead(composeControlPlane(stack.runtime));
    expect(await vracu(['receipts', 'verify', receiptFile], buyerKey)).toMatch(/^VALID receipt of .*\n {2}signing keys in the key transparency log/);
    const again = await dispatcher(['verify', job.jobId], buyerKey);
    expect(again).toMatch(/agent key in the key transparency log: leaf \d+ of the signed tree head of size \d+/);
    expect(process.exitCode).toBeUndefined();
    const privacy = await dispatcher(['privacy'], providerKey);
    expect(privacy).toMatch(/verified \(offline\):\s+1\/1/);
    expect(privacy).toMatch(/missing:\s+0/);
  });

  it('another buyer gets 404 for the job and for its attestations', async () => {
    const other = stack.client((await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'buyer-b' } })).secret);
    const mine = (await buyer.call(submitJobRoute, { body: { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] } } }))
      .jobId;
    await expect(other.call(getJobRoute, { params: { id: mine } })).rejects.toMatchObject({ status: 404 });
    await expect(other.call(attestationsRoute, { params: { id: mine } })).rejects.toMatchObject({ status: 404 });
  });

  // Last: a KMS-held agent has no key file, so the local signer could not sign for it.
  it("register --kms-key registers the KMS key's public key and id (KMS faked at the edge)", async () => {
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 7);
    const spki = new Uint8Array(Buffer.concat([Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex'), secp256k1.getPublicKey(secret, false)]));
    const sent: unknown[] = [];
    // GetPublicKey answers the key; Sign (the registration challenge) signs the DIGEST as KMS does, DER-encoded.
    const kms = {
      send: async (cmd: { input: { Message?: Uint8Array } }) => {
        sent.push(cmd.input);
        if (cmd.input.Message) return { Signature: secp256k1.sign(cmd.input.Message, secret, { prehash: false, format: 'der' }) };
        return { KeySpec: 'ECC_SECG_P256K1', PublicKey: spki };
      },
    };
    let out = '';
    const env = { VAP_API_URL: stack.url, VRACU_API_KEY: providerKey, VAP_DISPATCHER_CONFIG: dir };
    const run = (args: string[]) => dispatcherProgram(env, (s) => (out += s), { kms: kms as never }).parseAsync(['node', 'vap-dispatcher', ...args]);
    await run(['register', 'cloud-1', 'ari9', '--kms-key', 'alias/vracu-dev-agent-1']);
    expect(sent).toEqual([
      { KeyId: 'alias/vracu-dev-agent-1' },
      { KeyId: 'alias/vracu-dev-agent-1', Message: expect.any(Uint8Array), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' },
    ]);
    const publicKey = Buffer.from(secp256k1.getPublicKey(secret, true)).toString('hex');
    expect(out).toContain(`registered cloud-1 as ari9.agentplatform@ with KMS key alias/vracu-dev-agent-1 (public key ${publicKey})`);
    const listed = (await stack.client(providerKey).call(listAgentsRoute)).agents.find((a) => a.name === 'cloud-1');
    expect(listed).toMatchObject({ identity: 'ari9.agentplatform@', publicKey });
    await run(['register', 'cloud-1', 'ari9', '--kms-key', 'alias/vracu-dev-agent-1']);
    expect(out).toContain('already registered: cloud-1');
  });
});
