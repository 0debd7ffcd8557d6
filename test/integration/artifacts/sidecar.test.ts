/**
 * The sidecar's artifact library against fauxqs S3 and the artifacts context: inputs released
 * by the gate's seam land decrypted in the work dir, or not at all; outputs are sealed to the
 * buyer, uploaded with the URLs the uploads route presigns for each sealed size, recorded, and open with the buyer's private key.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import * as api from '../../../functions/artifacts/api.ts';
import { submitJobRoute } from '../../../functions/jobs/api.ts';
import { releaseInputs, outputSlots, recordOutputs } from '../../../functions/artifacts/index.ts';
import { s3Client } from '../../../functions/artifacts/drivers/object-store.ts';
import { getArtifact } from '../../../functions/artifacts/store/artifact-store.ts';
import { newFileKey, openBytes, recordsOf, sealBytes } from '../../../functions/platform/crypto/sealed-file.ts';
import { merkleRoot } from '../../../functions/platform/crypto/merkle.ts';
import { generateEncryptionKeyPair, openFileKey } from '../../../functions/platform/crypto/hpke.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { materializeInputs, sealOutputs } from '../../../sidecar/artifacts.ts';
import { sidecarUpload } from '../../../functions/artifacts/usecases/sidecar.ts';
import { getJob } from '../../../functions/jobs/index.ts';
import { artifactsHarness, type ArtifactsHarness } from './harness.ts';

const alice: Principal = { id: 'prn_alice', tenant: 'tenant-alice', roles: ['buyer'], keyId: 'key_a' };
const prng = seededPrng(9);
const random = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(prng() * 256));
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

let t: ArtifactsHarness;
beforeAll(async () => {
  t = await artifactsHarness({ maxBytes: 32 * 1024 });
});
afterAll(async () => t?.close());

async function input(name: string, plain: Uint8Array) {
  const key = newFileKey(random);
  const sealed = await sealBytes(plain, key, 128);
  const c = await t.call(api.createArtifactRoute, alice, {
    body: { name, size: sealed.length, merkleRoot: hex(merkleRoot(recordsOf(sealed))), fileKey: Buffer.from(key).toString('base64') },
  });
  await fetch(c.body.upload.url, { method: 'PUT', headers: c.body.upload.headers, body: sealed }).then((r) => r.arrayBuffer());
  await t.call(api.completeArtifactRoute, alice, { params: { aid: c.body.artifact.artifactId }, body: {} });
  return { artifactId: c.body.artifact.artifactId as string, sealed };
}

/** The sidecar's RequestUpload: the uploads route's use case for this job. */
const uploadsOf = (jobId: string) => async (artifactId: string, size: number) =>
  (await sidecarUpload(t.d, (await getJob(t.d.jobsStore, jobId))!, { artifactId, size })).upload;

async function job(inputs: { name: string; artifactId: string }[]) {
  const r = await t.call(submitJobRoute, alice, {
    body: { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] }, timeoutMs: 10_000, inputs },
  });
  return r.body.jobId as string;
}

describe('materializeInputs', () => {
  it('decrypts every released input into the work dir under its job name', async () => {
    const a = random(1000);
    const b = random(0);
    const ia = await input('a.bin', a);
    const ib = await input('b.bin', b);
    const jobId = await job([
      { name: 'model.bin', artifactId: ia.artifactId },
      { name: 'empty.txt', artifactId: ib.artifactId },
    ]);
    const work = mkdtempSync(join(tmpdir(), 'vracu-work-'));
    const files = await materializeInputs(work, await releaseInputs(t.d, { jobId, buyerId: alice.id, attestationHash: '01'.repeat(32) }));
    expect(files.map((f) => f.slice(work.length + 1))).toEqual(['model.bin', 'empty.txt']);
    expect(readFileSync(join(work, 'model.bin')).equals(Buffer.from(a))).toBe(true);
    expect(readFileSync(join(work, 'empty.txt')).length).toBe(0);
  });

  it('a tampered chunk in storage, or a wrong root, leaves no plaintext at all (earlier inputs wiped too)', async () => {
    const good = await input('good.bin', random(500));
    const bad = await input('bad.bin', random(900));
    const jobId = await job([
      { name: 'good.bin', artifactId: good.artifactId },
      { name: 'bad.bin', artifactId: bad.artifactId },
    ]);
    // Someone with bucket access flips one ciphertext byte of the second input.
    const flipped = Buffer.from(bad.sealed);
    flipped[flipped.length - 20]! ^= 1;
    const rec = (await getArtifact(t.d.store, bad.artifactId))!;
    await s3Client('us-east-1', inject('sqsEndpoint')).send(new PutObjectCommand({ Bucket: t.bucket, Key: rec.objectKey, Body: flipped }));
    const released = await releaseInputs(t.d, { jobId, buyerId: alice.id, attestationHash: '02'.repeat(32) });
    const work = mkdtempSync(join(tmpdir(), 'vracu-work-'));
    // The root is checked after decryption; a tampered chunk fails first.
    await expect(materializeInputs(work, released)).rejects.toMatchObject({ code: 'input_tampered', artifact: 'bad.bin' });
    expect(readdirSync(work)).toEqual([]);
    expect(released.every((r) => r.fileKey.every((x) => x === 0))).toBe(true);

    // A valid ciphertext whose root is not the one recorded (swapped for another file of the buyer's).
    const jobId2 = await job([{ name: 'good.bin', artifactId: good.artifactId }]);
    const r2 = await releaseInputs(t.d, { jobId: jobId2, buyerId: alice.id, attestationHash: '03'.repeat(32) });
    const work2 = mkdtempSync(join(tmpdir(), 'vracu-work-'));
    await expect(materializeInputs(work2, [{ ...r2[0]!, merkleRoot: 'ab'.repeat(32) }])).rejects.toMatchObject({
      code: 'input_root_mismatch',
      artifact: 'good.bin',
    });
    expect(readdirSync(work2)).toEqual([]);
  });
});

describe('sealOutputs', () => {
  it('seals the output dir for the buyer, uploads, and the recorded outputs open with the private key', async () => {
    const pair = await generateEncryptionKeyPair(random(32));
    await t.call(api.encryptionKeyRoute, alice, { body: { publicKey: hex(pair.publicKey) } });
    const jobId = await job([]);
    const outDir = mkdtempSync(join(tmpdir(), 'vracu-out-'));
    const files = { 'frames.bin': random(5000), 'log.txt': Buffer.from('done\n') };
    for (const [n, b] of Object.entries(files)) writeFileSync(join(outDir, n), b);
    const grant = await outputSlots(t.d, { jobId, count: 4 });
    const sealed = await sealOutputs(jobId, outDir, grant, uploadsOf(jobId), { chunkSize: 1024 });
    expect(sealed.map((s) => s.name)).toEqual(['frames.bin', 'log.txt']);
    expect(readdirSync(outDir).sort()).toEqual(['frames.bin', 'log.txt']); // the scratch dir is gone
    await recordOutputs(t.d, { jobId, outputs: sealed });
    for (const s of sealed) {
      const dl = await t.call(api.jobArtifactRoute, alice, { params: { id: jobId, aid: s.artifactId } });
      expect(dl.body.artifact.merkleRoot).toBe(s.merkleRoot);
      const bytes = Buffer.from(await (await fetch(dl.body.download.url)).arrayBuffer());
      expect(hex(merkleRoot(recordsOf(bytes)))).toBe(s.merkleRoot);
      const key = await openFileKey(pair.privateKey, Buffer.from(dl.body.sealedKey, 'base64'), { jobId, name: s.name });
      expect(Buffer.from(await openBytes(bytes, key)).equals(Buffer.from(files[s.name as keyof typeof files]))).toBe(true);
    }
  });

  it('an output over the limit fails the whole set before any upload', async () => {
    const jobId = await job([]);
    const outDir = mkdtempSync(join(tmpdir(), 'vracu-out-'));
    writeFileSync(join(outDir, 'a-small.bin'), random(10));
    writeFileSync(join(outDir, 'b-huge.bin'), random(40 * 1024));
    const grant = await outputSlots(t.d, { jobId, count: 2 });
    await expect(sealOutputs(jobId, outDir, grant, uploadsOf(jobId))).rejects.toMatchObject({ code: 'output_too_large', artifact: 'b-huge.bin' });
    for (const s of grant.slots) expect(await t.d.objects.head(`outputs/${jobId}/${s.artifactId}`)).toBeNull();
    expect(existsSync(join(outDir, 'a-small.bin'))).toBe(true);
    // One slot for the two files (another job's grant: a job's first grant stays).
    const other = await job([]);
    const few = await outputSlots(t.d, { jobId: other, count: 1 });
    await expect(sealOutputs(other, outDir, few, uploadsOf(other))).rejects.toMatchObject({ code: 'too_many_outputs' });
  });
});
