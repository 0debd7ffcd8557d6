/**
 * Artifacts end to end on the local stack, over HTTP and the CLI: `vracu keys encryption`,
 * `vracu artifacts put`, a job (plain, and attested with development evidence) whose workload
 * reads its decrypted input and writes outputs, the sidecar sealing and uploading them before
 * its sandbox goes, their Merkle roots in the signed deletion attestation, and `vracu jobs
 * download` checking those roots, opening and decrypting: equal bytes. Then what must fail:
 * a tampered ciphertext chunk and a recorded root that is not the signed one (each named),
 * another buyer's input, outputs over the per-job total (the job FAILED, nothing recorded).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { attestationsRoute, getJobRoute, jobLogsRoute, listAgentsRoute, submitJobRoute } from '../../../functions/jobs/api.ts';
import { jobArtifactsRoute } from '../../../functions/artifacts/api.ts';
import { verifyAttestations } from '../../../functions/jobs/domain/verify.ts';
import { s3Client } from '../../../functions/artifacts/drivers/object-store.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { initAgents } from '../../../sdk/dispatcher/identities.ts';
import { dispatcherProgram } from '../../../sdk/dispatcher/program.ts';
import type { VracuClient } from '../../../sdk/client.ts';
import { startTestStack } from '../../support/stack.ts';
import { runVracu } from '../../support/cli.ts';

const SEED = 1313;
const prng = seededPrng(SEED);
const random = (n: number) => Buffer.from(Uint8Array.from({ length: n }, () => Math.floor(prng() * 256)));
const JOB_OUTPUT_MAX_BYTES = 256 * 1024;

let stack: Awaited<ReturnType<typeof startTestStack>>;
let buyer: VracuClient;
let buyerSecret: string;
let other: { secret: string };
const dir = mkdtempSync(join(tmpdir(), 'vracu-e2e-artifacts-'));
const keyFile = join(dir, 'enc.json');

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not reached: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const vracu = (args: string[], key = buyerSecret) => runVracu(stack.url, key, args);

beforeAll(async () => {
  console.log(`artifacts e2e seed ${SEED}`);
  const agents = join(mkdtempSync(join(tmpdir(), 'vap-')), 'dispatcher');
  const rand = seededPrng(78);
  initAgents(agents, 1, () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
  stack = await startTestStack({
    plugins: true,
    jobs: { dispatcherDir: agents, maxAgents: 1 },
    // Child-process isolation: the attested job's DEK is not yet seen under bubblewrap (docs/privacy.md).
    // Parts of 5 MiB (S3's smallest), so a 6 MiB input goes up in two.
    env: {
      ...process.env,
      VRACU_SANDBOX_ISOLATION: 'process',
      VRACU_JOB_OUTPUT_MAX_BYTES: String(JOB_OUTPUT_MAX_BYTES),
      VRACU_ARTIFACT_PART_BYTES: String(5 * 1024 * 1024),
      VRACU_ARTIFACT_MAX_BYTES: String(1024 ** 3),
    },
  });
  const providerKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['provider'], tenant: 'fleet' } })).secret;
  await dispatcherProgram({ VAP_API_URL: stack.url, VRACU_API_KEY: providerKey, VAP_DISPATCHER_CONFIG: agents }, () => undefined).parseAsync([
    'node',
    'vap-dispatcher',
    'register',
    'agent-1',
    'ari1',
  ]);
  buyerSecret = (await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'buyer-art' } })).secret;
  buyer = stack.client(buyerSecret);
  other = await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'buyer-other' } });
  await vracu(['keys', 'encryption', '--key-file', keyFile]);
  process.exitCode = undefined;
}, 90_000);
afterAll(async () => stack?.stop());

async function put(file: string, name: string, key = buyerSecret): Promise<string> {
  return JSON.parse(await vracu(['--json', 'artifacts', 'put', file, '--job-input', name, '--chunk-size', '65536'], key)).artifactId as string;
}

async function run(command: string, inputs: { name: string; artifactId: string }[], attested: boolean) {
  const job = await buyer.call(submitJobRoute, {
    body: {
      adapter: 'render',
      spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', command] },
      timeoutMs: 40_000,
      inputs,
      ...(attested ? { privacy: { tier: 'attested' as const, attesters: ['development' as const] } } : {}),
    },
  });
  const done = await until(
    () => buyer.call(getJobRoute, { params: { id: job.jobId } }),
    (j) => ['COMPLETED', 'FAILED', 'ABORTED'].includes(j.status),
  );
  const logs = (await buyer.call(jobLogsRoute, { params: { id: job.jobId } })).lines.map((l) => l.message).join('\n');
  const report = logs
    .split('\n')
    .filter((l) => l.startsWith('{"type":"sidecar:'))
    .at(-1);
  return { jobId: job.jobId, done, logs, report: report ? JSON.parse(report) : null };
}

const COPY = 'cat "$VRACU_INPUT_DIR/data.bin" > "$VRACU_OUTPUT_DIR/copy.bin" && wc -c < "$VRACU_INPUT_DIR/data.bin" > "$VRACU_OUTPUT_DIR/size.txt"';

async function download(jobId: string, out: string) {
  const res = JSON.parse(await vracu(['--json', 'jobs', 'download', jobId, '--out', out, '--key-file', keyFile]));
  const exit = process.exitCode;
  process.exitCode = undefined;
  return { res, exit, checks: Object.fromEntries(res.outputs.map((o: { name: string; check: string }) => [o.name, o.check])) as Record<string, string> };
}

describe('artifacts through a job on the local stack', () => {
  for (const attested of [false, true]) {
    it(`${attested ? 'an attested' : 'a plain'} job reads its input and writes outputs; download verifies the signed roots and decrypts to equal bytes`, async () => {
      const plain = random(150_000);
      const src = join(dir, `data-${attested}.bin`);
      writeFileSync(src, plain);
      const artifactId = await put(src, 'data.bin');
      const r = await run(COPY, [{ name: 'data.bin', artifactId }], attested);
      expect(r.done.status, r.logs).toBe('COMPLETED');
      expect(r.report).toMatchObject({ type: 'sidecar:completed', artifacts: { inputs: 1 } });
      expect(r.report.artifacts.outputs.map((o: { name: string }) => o.name)).toEqual(['copy.bin', 'size.txt']);

      // The deletion attestation signs each output's root; vap-dispatcher's verifier accepts the field.
      const att = await buyer.call(attestationsRoute, { params: { id: r.jobId } });
      const agent = (await buyer.call(listAgentsRoute, {})).agents.find((a) => a.name === att.creation!.agentId)!;
      expect(verifyAttestations({ creation: att.creation, deletion: att.deletion, publicKeyHex: agent.publicKey, expected: { jobId: r.jobId } })).toMatchObject(
        {
          ok: true,
          problems: [],
        },
      );
      const listed = await buyer.call(jobArtifactsRoute, { params: { id: r.jobId } });
      const outs = listed.artifacts.filter((a) => a.kind === 'output');
      expect(att.deletion!.outputs!.map((o) => [o.name, o.merkleRoot])).toEqual(outs.map((o) => [o.name, o.artifact!.merkleRoot]));
      expect(att.deletion!.privacyTier).toBe(attested ? 'attested' : 'ephemeral-container');

      const out = join(dir, `got-${attested}`);
      const got = await download(r.jobId, out);
      expect(got.checks).toEqual({ 'copy.bin': 'ok', 'size.txt': 'ok' });
      expect(got.exit).toBeUndefined();
      expect(readFileSync(join(out, 'copy.bin')).equals(plain)).toBe(true);
      expect(readFileSync(join(out, 'size.txt'), 'utf8').trim()).toBe(String(plain.length));
    }, 90_000);
  }

  it('an input over the part size goes up from the CLI in parts, and the job reads it whole', async () => {
    const plain = Buffer.concat([random(64 * 1024), Buffer.alloc(6 * 1024 * 1024 - 64 * 1024, 7)]);
    const src = join(dir, 'big.bin');
    writeFileSync(src, plain);
    const uploaded = JSON.parse(await vracu(['--json', 'artifacts', 'put', src, '--job-input', 'big.bin']));
    expect(uploaded.parts).toBe(2);
    const artifactId = uploaded.artifactId as string;
    const r = await run('sha256sum "$VRACU_INPUT_DIR/big.bin" | cut -c1-64 > "$VRACU_OUTPUT_DIR/sum.txt"', [{ name: 'big.bin', artifactId }], false);
    expect(r.done.status, r.logs).toBe('COMPLETED');
    const got = await download(r.jobId, join(dir, 'got-big'));
    expect(got.checks).toEqual({ 'sum.txt': 'ok' });
    expect(readFileSync(join(dir, 'got-big', 'sum.txt'), 'utf8').trim()).toBe(createHash('sha256').update(plain).digest('hex'));
  }, 90_000);

  it('a tampered ciphertext chunk and a recorded root that is not the signed one are each named; no plaintext is left', async () => {
    const src = join(dir, 'tamper.bin');
    writeFileSync(src, random(100_000));
    const artifactId = await put(src, 'data.bin');
    const r = await run(`${COPY} && cp "$VRACU_INPUT_DIR/data.bin" "$VRACU_OUTPUT_DIR/third.bin"`, [{ name: 'data.bin', artifactId }], false);
    expect(r.done.status, r.logs).toBe('COMPLETED');
    const d = stack.compositions.artifacts!;
    const outs = (await buyer.call(jobArtifactsRoute, { params: { id: r.jobId } })).artifacts.filter((a) => a.kind === 'output');
    const byName = Object.fromEntries(outs.map((o) => [o.name, o.artifactId]));
    // One bit flipped in copy.bin's (only) chunk, in the bucket itself: after the 16-byte header.
    const s3 = s3Client('us-east-1', d.cfg.s3Endpoint);
    const key = `outputs/${r.jobId}/${byName['copy.bin']}`;
    const bytes = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: d.cfg.bucket, Key: key }))).Body!.transformToByteArray());
    bytes[16 + 100]! ^= 1;
    await s3.send(new PutObjectCommand({ Bucket: d.cfg.bucket, Key: key, Body: bytes }));
    s3.destroy();
    // The exchange's record of third.bin names another root than the one the deletion attestation signs.
    await d.store.doc.send(
      new UpdateCommand({
        TableName: d.store.table,
        Key: { pk: `ART#${byName['third.bin']}`, sk: 'ART' },
        UpdateExpression: 'SET merkleRoot = :r',
        ExpressionAttributeValues: { ':r': 'ee'.repeat(32) },
      }),
    );
    const out = join(dir, 'tampered');
    const got = await download(r.jobId, out);
    expect(got.checks['size.txt']).toBe('ok');
    expect(got.checks['copy.bin']).toMatch(/^check failed: (decryption|Merkle root) /);
    expect(got.checks['third.bin']).toMatch(/^check failed: Merkle root \(the exchange records e{64}, the deletion attestation signs [0-9a-f]{64}\)/);
    expect(got.exit).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['size.txt']);
  }, 90_000);

  it("another buyer's input fails the job input_not_available before the workload runs", async () => {
    const src = join(dir, 'theirs.bin');
    writeFileSync(src, random(1000));
    const theirs = await put(src, 'data.bin', other.secret);
    for (const attested of [false, true]) {
      const r = await run('echo workload-ran', [{ name: 'data.bin', artifactId: theirs }], attested);
      expect(r.done, r.logs).toMatchObject({ status: 'FAILED', reason: 'input_not_available' });
      expect(r.logs).not.toContain('workload-ran');
      const att = await buyer.call(attestationsRoute, { params: { id: r.jobId } });
      expect(att.deletion).toBeDefined();
      expect(att.deletion!.outputs).toBeUndefined();
    }
  }, 90_000);

  it('vracu artifacts list shows an input, rm deletes it, and a job naming it then fails input_not_available', async () => {
    const src = join(dir, 'gone.bin');
    writeFileSync(src, random(1000));
    const artifactId = await put(src, 'gone.bin');
    expect(await vracu(['artifacts', 'list', '--limit', '100'])).toMatch(new RegExp(`${artifactId}\\s+gone\\.bin\\s+\\d+\\s+uploaded`));
    expect(await vracu(['artifacts', 'rm', artifactId])).toMatch(new RegExp(`^deleted ${artifactId} \\(gone\\.bin\\) at \\d{4}-`));
    expect(await vracu(['artifacts', 'list', '--limit', '100'])).toMatch(new RegExp(`${artifactId}\\s+gone\\.bin\\s+\\d+\\s+deleted`));
    const r = await run('echo workload-ran', [{ name: 'gone.bin', artifactId }], false);
    expect(r.done, r.logs).toMatchObject({ status: 'FAILED', reason: 'input_not_available' });
    expect(r.logs).not.toContain('workload-ran');
  }, 90_000);

  it('outputs over the per-job total fail the job output_too_large: nothing uploaded, nothing recorded, the plaintext wiped', async () => {
    const half = Math.ceil(JOB_OUTPUT_MAX_BYTES / 2) + 1024;
    const r = await run(`head -c ${half} /dev/zero > "$VRACU_OUTPUT_DIR/a.bin" && head -c ${half} /dev/zero > "$VRACU_OUTPUT_DIR/b.bin"`, [], false);
    expect(r.done, r.logs).toMatchObject({ status: 'FAILED', reason: 'output_too_large' });
    expect(r.report).toMatchObject({ type: 'sidecar:failed', zeroizedFiles: 2, error: expect.stringContaining('output_too_large') });
    const listed = await buyer.call(jobArtifactsRoute, { params: { id: r.jobId } });
    expect(listed.artifacts.filter((a) => a.kind === 'output')).toEqual([]);
    const att = await buyer.call(attestationsRoute, { params: { id: r.jobId } });
    expect(att.deletion!.outputs).toBeUndefined();
    for (const w of r.report.wipedDirs as string[]) expect(existsSync(w) ? readdirSync(w) : []).toEqual([]);
  }, 90_000);
});
