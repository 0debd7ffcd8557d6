/**
 * `vracu keys encryption`, `vracu artifacts put` and `vracu jobs download` against the local
 * stack (DynamoDB Local, fauxqs S3, real presigned URLs over HTTP). The job record and the
 * sidecar's part are played by the seams the lead wires (releaseInputs, outputSlots,
 * sealOutputs, recordOutputs); the CLI talks HTTP only.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { jobToItem } from '../../../functions/jobs/store/items.ts';
import type { Job } from '../../../functions/jobs/domain/job.ts';
import { outputSlots, recordOutputs, releaseInputs } from '../../../functions/artifacts/index.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { materializeInputs, sealOutputs } from '../../../sidecar/artifacts.ts';
import { startTestStack } from '../../support/stack.ts';
import { runVracu } from '../../support/cli.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let buyer: { principalId: string; secret: string };
const dir = mkdtempSync(join(tmpdir(), 'vracu-cli-artifacts-'));
const keyFile = join(dir, 'enc.json');
const prng = seededPrng(21);
const random = (n: number) => Buffer.from(Uint8Array.from({ length: n }, () => Math.floor(prng() * 256)));

beforeAll(async () => {
  stack = await startTestStack();
  buyer = await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } });
});
afterAll(async () => stack?.stop());

const vracu = (args: string[]) => runVracu(stack.url, buyer.secret, args);

/** A job record as jobs submit would write it (the jobs plugin is off in this stack). */
async function jobRecord(jobId: string, inputs: { name: string; artifactId: string }[]): Promise<void> {
  const job = {
    jobId,
    tenant: buyer.principalId,
    ownerId: buyer.principalId,
    adapter: 'render',
    spec: {},
    inputs,
    profile: {},
    plan: {},
    resources: {},
    gpuMinutes: 1,
    jobHash: 'ab'.repeat(32),
    status: 'RUNNING',
    createdAt: '2026-11-23T12:00:00.000Z',
    updatedAtMs: Date.UTC(2026, 10, 23, 12),
  } as unknown as Job;
  await stack.runtime.doc.send(new PutCommand({ TableName: stack.runtime.table('jobs'), Item: jobToItem(job) }));
}

describe('vracu artifacts and jobs download', () => {
  it('keys encryption writes a 0600 pair and registers it; put seals and uploads; download checks, opens and decrypts', async () => {
    const reg = JSON.parse(await vracu(['--json', 'keys', 'encryption', '--key-file', keyFile]));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(reg.publicKey).toBe(JSON.parse(readFileSync(keyFile, 'utf8')).publicKey);
    // Run again: the same pair is registered again, not replaced.
    expect(JSON.parse(await vracu(['--json', 'keys', 'encryption', '--key-file', keyFile])).publicKey).toBe(reg.publicKey);

    const plain = random(300_000);
    const src = join(dir, 'dataset.bin');
    writeFileSync(src, plain);
    const put = JSON.parse(await vracu(['--json', 'artifacts', 'put', src, '--job-input', 'data.bin', '--chunk-size', '65536']));
    expect(put).toMatchObject({ state: 'uploaded', name: 'data.bin', input: { name: 'data.bin' } });
    expect(await vracu(['artifacts', 'put', src])).toMatch(
      /^uploaded art_\w+ \(\d+ sealed bytes, Merkle root [0-9a-f]{64}\)\nname it in a job: vracu jobs submit \.\.\. --input dataset\.bin=art_/,
    );

    // The sidecar's part: inputs released after the handshake, outputs sealed to the buyer.
    const jobId = 'job_01KAAAAAAAAAAAAAAAAAAAAAAA';
    await jobRecord(jobId, [{ name: 'data.bin', artifactId: put.artifactId }]);
    const d = stack.compositions.artifacts!;
    const work = mkdtempSync(join(tmpdir(), 'vracu-work-'));
    await materializeInputs(work, await releaseInputs(d, { jobId, buyerId: buyer.principalId, attestationHash: 'cd'.repeat(32) }));
    expect(readFileSync(join(work, 'data.bin')).equals(plain)).toBe(true);
    const outDir = mkdtempSync(join(tmpdir(), 'vracu-out-'));
    writeFileSync(join(outDir, 'result.bin'), plain.subarray(0, 1000));
    writeFileSync(join(outDir, 'summary.txt'), 'ok\n');
    await recordOutputs(d, { jobId, outputs: await sealOutputs(jobId, outDir, await outputSlots(d, { jobId, count: 4 })) });

    const listed = JSON.parse(await vracu(['--json', 'jobs', 'download', jobId, '--out', join(dir, 'got'), '--key-file', keyFile]));
    expect(listed.outputs.map((o: { name: string; check: string }) => [o.name, o.check])).toEqual([
      ['result.bin', 'ok'],
      ['summary.txt', 'ok'],
    ]);
    expect(readFileSync(join(dir, 'got', 'result.bin')).equals(plain.subarray(0, 1000))).toBe(true);
    expect(readFileSync(join(dir, 'got', 'summary.txt'), 'utf8')).toBe('ok\n');
    process.exitCode = undefined;
  });

  it('download names the check that failed and leaves no plaintext: another private key, a wrong recorded root', async () => {
    const jobId = 'job_01KBBBBBBBBBBBBBBBBBBBBBBB';
    await jobRecord(jobId, []);
    const d = stack.compositions.artifacts!;
    const outDir = mkdtempSync(join(tmpdir(), 'vracu-out-'));
    writeFileSync(join(outDir, 'a.bin'), random(500));
    writeFileSync(join(outDir, 'b.bin'), random(500));
    const sealed = await sealOutputs(jobId, outDir, await outputSlots(d, { jobId, count: 2 }));
    // The exchange's record of b.bin names a root that is not its ciphertext's.
    await recordOutputs(d, { jobId, outputs: [sealed[0]!, { ...sealed[1]!, merkleRoot: 'ee'.repeat(32) }] });
    const got = join(dir, 'bad');
    const res = JSON.parse(await vracu(['--json', 'jobs', 'download', jobId, '--out', got, '--key-file', keyFile]));
    expect(res.outputs.map((o: { check: string }) => o.check)).toEqual(['ok', expect.stringMatching(/^check failed: Merkle root/)]);
    expect(existsSync(join(got, 'b.bin'))).toBe(false);
    expect(existsSync(join(got, 'b.bin.partial'))).toBe(false);
    expect(process.exitCode).toBe(1);

    const otherKey = join(dir, 'other.json');
    await vracu(['keys', 'encryption', '--key-file', otherKey]); // registers a new key: later outputs go to it
    const res2 = JSON.parse(await vracu(['--json', 'jobs', 'download', jobId, '--out', join(dir, 'bad2'), '--key-file', otherKey]));
    expect(res2.outputs[0].check).toMatch(/^check failed: the sealed file key does not open with this private key/);
    process.exitCode = undefined;
  });
});
