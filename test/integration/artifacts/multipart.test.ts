/**
 * Multipart uploads on fauxqs S3 (parts of 5 MiB, S3's smallest): an input over the part size
 * gets a plan of presigned parts, the CLI's uploader sends them four at a time and the exchange
 * assembles them from the reported ETags; an output over it goes the same way from the
 * sidecar, and the report completes it. A wrong or missing ETag, a part count that does not
 * match, a plan for a single PUT completed with parts: 409, nothing recorded. The uploader
 * retries a part storage refused with a 5xx and gives up after its attempts; it has parts whose
 * URLs would expire signed again before it starts them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import * as api from '../../../functions/artifacts/api.ts';
import { submitJobRoute } from '../../../functions/jobs/api.ts';
import { getJob } from '../../../functions/jobs/index.ts';
import { outputSlots, recordOutputs, releaseInputs } from '../../../functions/artifacts/index.ts';
import { getArtifact } from '../../../functions/artifacts/store/artifact-store.ts';
import { sidecarUpload } from '../../../functions/artifacts/usecases/sidecar.ts';
import { newFileKey, openBytes, recordsOf } from '../../../functions/platform/crypto/sealed-file.ts';
import { sealFile } from '../../../functions/platform/crypto/sealed-files.ts';
import { merkleRoot } from '../../../functions/platform/crypto/merkle.ts';
import { generateEncryptionKeyPair, openFileKey } from '../../../functions/platform/crypto/hpke.ts';
import { partRanges, uploadFile, UploadError, type Upload } from '../../../functions/platform/http/presigned-upload.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { materializeInputs, sealOutputs } from '../../../sidecar/artifacts.ts';
import { artifactsHarness, type ArtifactsHarness } from './harness.ts';

const MiB = 1024 * 1024;
const alice: Principal = { id: 'prn_alice', tenant: 'tenant-alice', roles: ['buyer'], keyId: 'key_a' };
const SEED = 13;
const prng = seededPrng(SEED);
/** A seeded block repeated: megabytes of test data without megabytes of PRNG calls. */
function data(bytes: number): Buffer {
  const block = Buffer.from(Uint8Array.from({ length: 64 * 1024 }, () => Math.floor(prng() * 256)));
  const out = Buffer.alloc(bytes);
  for (let o = 0; o < bytes; o += block.length) block.copy(out, o, 0, Math.min(block.length, bytes - o));
  out.writeUInt32BE(Math.floor(prng() * 2 ** 32), 0); // so two calls never give the same bytes
  return out;
}
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

let t: ArtifactsHarness;
let dir: string;
beforeAll(async () => {
  process.stdout.write(`multipart test seed ${SEED}\n`);
  t = await artifactsHarness({ maxBytes: 64 * MiB, partBytes: 5 * MiB });
  dir = mkdtempSync(join(tmpdir(), 'vracu-multipart-'));
});
afterAll(async () => t?.close());

/** `vracu artifacts put` up to the upload: seal to a file, register; the plan and the sealed file. */
async function createInput(plain: Buffer, name = 'big.bin') {
  const src = join(dir, `${name}.plain`);
  writeFileSync(src, plain);
  const key = newFileKey();
  const sealedPath = join(dir, `${name}.sealed`);
  const sealed = await sealFile(src, sealedPath, key);
  const created = await t.call(api.createArtifactRoute, alice, {
    body: { name, size: sealed.size, merkleRoot: sealed.merkleRoot, fileKey: Buffer.from(key).toString('base64') },
  });
  expect(created.status).toBe(201);
  return { aid: created.body.artifact.artifactId as string, upload: created.body.upload as Upload, sealedPath, sealed };
}

describe('inputs over the part size', () => {
  it('get a plan of presigned parts; the parts go up, the exchange assembles them, the job opens the input', async () => {
    const plain = data(12 * MiB);
    const { aid, upload, sealedPath, sealed } = await createInput(plain);
    expect(upload.method).toBe('MULTIPART');
    if (upload.method !== 'MULTIPART') return;
    // 12 MiB and a little of sealing overhead: three parts of 5, 5 and the rest.
    expect(upload.parts.map((p) => [p.partNumber, Number(p.headers['content-length'])])).toEqual(
      partRanges(sealed.size, 5 * MiB).map((r) => [r.partNumber, r.end - r.start]),
    );
    expect(upload.parts).toHaveLength(3);
    expect((await getArtifact(t.d.store, aid))!.uploadId).toBe(upload.uploadId);

    const seen: number[] = [];
    const done = await uploadFile(sealedPath, upload, { onProgress: (n) => seen.push(n) });
    expect(done!.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(seen.at(-1)).toBe(sealed.size);
    // Before the completion there is no object.
    expect(await t.d.objects.head(`inputs/${alice.tenant}/${aid}`)).toBeNull();
    const complete = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: { parts: done!.parts } });
    expect([complete.status, complete.body.state, complete.body.size]).toEqual([200, 'uploaded', sealed.size]);
    // Again (a retried call): the same answer, nothing changes.
    const again = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: { parts: done!.parts } });
    expect([again.status, again.body.state]).toEqual([200, 'uploaded']);

    // The assembled object is the sealed file, byte for byte, and a job's sidecar opens it.
    const jobRes = await t.call(submitJobRoute, alice, {
      body: {
        adapter: 'render',
        spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] },
        timeoutMs: 10_000,
        inputs: [{ name: 'big.bin', artifactId: aid }],
      },
    });
    const released = await releaseInputs(t.d, { jobId: jobRes.body.jobId, buyerId: alice.id, attestationHash: 'ab'.repeat(32) });
    const fetched = Buffer.from(await (await fetch(released[0]!.download.url)).arrayBuffer());
    expect(fetched.equals(readFileSync(sealedPath))).toBe(true);
    const work = mkdtempSync(join(dir, 'work-'));
    await materializeInputs(work, released);
    expect(readFileSync(join(work, 'big.bin')).equals(plain)).toBe(true);
  });

  it('parts whose URLs would expire are signed again: the route, and the uploader asking before it starts one', async () => {
    const { aid, upload, sealedPath } = await createInput(data(12 * MiB), 'slow.bin');
    if (upload.method !== 'MULTIPART') throw new Error('expected a multipart plan');
    t.h.env.clock.advance(10 * 60_000);
    const again = await t.call(api.resignPartsRoute, alice, { params: { aid }, body: { partNumbers: [2, 3] } });
    expect(again.status).toBe(200);
    expect(again.body.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([2, 3]);
    expect(Date.parse(again.body.parts[0].expiresAt) - Date.parse(upload.expiresAt)).toBe(10 * 60_000);
    expect(again.body.parts[0].headers['content-length']).toBe(upload.parts[1]!.headers['content-length']);
    for (const [body, code] of [
      [{ partNumbers: [4] }, 'validation_failed'],
      [{ partNumbers: [0] }, 'validation_failed'],
      [{ partNumbers: [2, 2] }, 'validation_failed'],
      [{ partNumbers: [] }, 'validation_failed'],
    ] as const) {
      const r = await t.call(api.resignPartsRoute, alice, { params: { aid }, body });
      expect([r.status, r.body.code], JSON.stringify(body)).toEqual([400, code]);
    }
    const bob: Principal = { id: 'prn_bob', tenant: 'tenant-bob', roles: ['buyer'], keyId: 'key_b' };
    expect((await t.call(api.resignPartsRoute, bob, { params: { aid }, body: { partNumbers: [1] } })).status).toBe(404);

    // The uploader, its clock at the plan's expiry: one renewal for every part, then the renewed URLs.
    const asked: number[][] = [];
    const put: string[] = [];
    const done = (await uploadFile(sealedPath, upload, {
      nowMs: () => Date.parse(upload.expiresAt),
      refresh: async (partNumbers) => {
        asked.push(partNumbers);
        return (await t.call(api.resignPartsRoute, alice, { params: { aid }, body: { partNumbers } })).body.parts;
      },
      fetchImpl: ((url: string, init: RequestInit) => (put.push(url), fetch(url, init))) as typeof fetch,
    }))!;
    expect(asked).toEqual([[1, 2, 3]]);
    expect(put.some((u) => upload.parts.some((p) => p.url === u))).toBe(false);
    const ok = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: { parts: done.parts } });
    expect(ok.body.state).toBe('uploaded');
    const late = await t.call(api.resignPartsRoute, alice, { params: { aid }, body: { partNumbers: [1] } });
    expect([late.status, late.body.code]).toEqual([409, 'artifact_already_uploaded']);
  });

  it('an uploader whose renewal fails stops before that part, naming why', async () => {
    const { upload, sealedPath } = await createInput(data(11 * MiB), 'norenew.bin');
    if (upload.method !== 'MULTIPART') throw new Error('expected a multipart plan');
    await expect(
      uploadFile(sealedPath, upload, {
        nowMs: () => Date.parse(upload.expiresAt),
        refresh: async () => {
          throw new Error('403 forbidden');
        },
      }),
    ).rejects.toThrow(/part 1: its URL expires and new ones could not be had: 403 forbidden/);
  });

  it('a completion without parts, with a wrong ETag or with a part missing is 409 upload_incomplete and leaves it pending', async () => {
    const { aid, upload, sealedPath } = await createInput(data(11 * MiB), 'refused.bin');
    if (upload.method !== 'MULTIPART') throw new Error('expected a multipart plan');
    const done = (await uploadFile(sealedPath, upload))!;
    const tries = [
      {},
      { parts: done.parts.map((p, i) => (i === 1 ? { ...p, etag: '"00000000000000000000000000000000"' } : p)) },
      { parts: done.parts.slice(0, 2) },
      { parts: [done.parts[1]!, done.parts[0]!, done.parts[2]!] },
    ];
    for (const body of tries) {
      const res = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body });
      expect([res.status, res.body.code]).toEqual([409, 'upload_incomplete']);
      expect((await getArtifact(t.d.store, aid))!.state).toBe('pending');
    }
    expect(await t.d.objects.head(`inputs/${alice.tenant}/${aid}`)).toBeNull();
    // The right parts still complete it: a refusal changed nothing.
    const ok = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: { parts: done.parts } });
    expect(ok.body.state).toBe('uploaded');
  });

  it('a single-PUT input completed with parts is refused; under the part size the plan is one PUT', async () => {
    const { aid, upload, sealedPath } = await createInput(data(4 * MiB), 'small.bin');
    expect(upload.method).toBe('PUT');
    expect(await uploadFile(sealedPath, upload)).toBeNull();
    const res = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: { parts: [{ partNumber: 1, etag: '"x"' }] } });
    expect([res.status, res.body.code]).toEqual([409, 'upload_incomplete']);
    // A single PUT has no parts to sign again.
    const resign = await t.call(api.resignPartsRoute, alice, { params: { aid }, body: { partNumbers: [1] } });
    expect([resign.status, resign.body.code]).toEqual([409, 'upload_incomplete']);
    expect((await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: {} })).body.state).toBe('uploaded');
  });
});

describe('outputs over the part size', () => {
  it('the sidecar uploads in parts, the report completes them, the buyer opens the output', async () => {
    const pair = await generateEncryptionKeyPair();
    await t.call(api.encryptionKeyRoute, alice, { body: { publicKey: hex(pair.publicKey) } });
    const jobRes = await t.call(submitJobRoute, alice, {
      body: { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] }, timeoutMs: 10_000 },
    });
    const jobId = jobRes.body.jobId as string;
    const job = (await getJob(t.d.jobsStore, jobId))!;
    const outDir = mkdtempSync(join(dir, 'out-'));
    const plain = data(13 * MiB);
    writeFileSync(join(outDir, 'frames.bin'), plain);
    writeFileSync(join(outDir, 'log.txt'), 'done\n');
    const grant = await outputSlots(t.d, { jobId, count: 4 });
    const asked: [string, number][] = [];
    const sealed = await sealOutputs(jobId, outDir, grant, async (artifactId, size) => {
      asked.push([artifactId, size]);
      return (await sidecarUpload(t.d, job, { artifactId, size })).upload;
    });
    // One upload asked for per output, with its sealed size; only the big one went in parts.
    expect(asked).toEqual(sealed.map((s) => [s.artifactId, s.size]));
    expect(sealed.map((s) => [s.name, s.multipart?.parts.length ?? 0])).toEqual([
      ['frames.bin', 3],
      ['log.txt', 0],
    ]);
    const recorded = await recordOutputs(t.d, { jobId, outputs: sealed });
    expect(recorded.map((r) => r.state)).toEqual(['uploaded', 'uploaded']);

    const big = sealed[0]!;
    const dl = await t.call(api.jobArtifactRoute, alice, { params: { id: jobId, aid: big.artifactId } });
    const bytes = Buffer.from(await (await fetch(dl.body.download.url)).arrayBuffer());
    expect(bytes.length).toBe(big.size);
    expect(hex(merkleRoot(recordsOf(bytes)))).toBe(big.merkleRoot);
    const key = await openFileKey(pair.privateKey, Buffer.from(dl.body.sealedKey, 'base64'), { jobId, name: 'frames.bin' });
    expect(Buffer.from(await openBytes(bytes, key)).equals(plain)).toBe(true);
  });

  it('a reported multipart upload with a wrong ETag is refused and nothing is recorded', async () => {
    const jobRes = await t.call(submitJobRoute, alice, {
      body: { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] }, timeoutMs: 10_000 },
    });
    const jobId = jobRes.body.jobId as string;
    const job = (await getJob(t.d.jobsStore, jobId))!;
    const outDir = mkdtempSync(join(dir, 'out-'));
    writeFileSync(join(outDir, 'a.bin'), data(6 * MiB));
    const grant = await outputSlots(t.d, { jobId, count: 1 });
    const [out] = await sealOutputs(jobId, outDir, grant, async (artifactId, size) => (await sidecarUpload(t.d, job, { artifactId, size })).upload);
    const forged = { ...out!, multipart: { ...out!.multipart!, parts: out!.multipart!.parts.map((p) => ({ ...p, etag: '"ffff"' })) } };
    await expect(recordOutputs(t.d, { jobId, outputs: [forged] })).rejects.toMatchObject({ code: 'upload_incomplete', status: 409 });
    expect(await getArtifact(t.d.store, out!.artifactId)).toBeNull();
  });
});

describe('the uploader', () => {
  it('retries a part storage refused with a 5xx, and gives up after its attempts with the status', async () => {
    const { upload, sealedPath } = await createInput(data(11 * MiB), 'flaky.bin');
    if (upload.method !== 'MULTIPART') throw new Error('expected a multipart plan');
    let refused = 0;
    const flaky: typeof fetch = async (url, init) => {
      if (String(url).includes('partNumber=2') && refused++ < 2) return new Response('slow down', { status: 503 });
      return fetch(url, init);
    };
    const done = await uploadFile(sealedPath, upload, { fetchImpl: flaky });
    expect(refused).toBe(3); // two refusals, then the third try went through
    expect(done!.parts).toHaveLength(3);

    const down: typeof fetch = async (url, init) => (String(url).includes('partNumber=3') ? new Response('no', { status: 500 }) : fetch(url, init));
    const err = await uploadFile(sealedPath, upload, { fetchImpl: down, attempts: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).status).toBe(500);
    // A 4xx is not retried.
    let calls = 0;
    const forbidden: typeof fetch = async () => {
      calls++;
      return new Response('denied', { status: 403 });
    };
    await expect(
      uploadFile(
        sealedPath,
        { ...upload, parts: upload.parts.slice(0, 1), partBytes: Number(upload.parts[0]!.headers['content-length']) },
        { fetchImpl: forbidden },
      ),
    ).rejects.toMatchObject({ status: 403 });
    expect(calls).toBe(1);
  });

  it('partRanges covers the object exactly once, in order', () => {
    expect(partRanges(0, 5)).toEqual([]);
    expect(partRanges(5, 5)).toEqual([{ partNumber: 1, start: 0, end: 5 }]);
    expect(partRanges(11, 5)).toEqual([
      { partNumber: 1, start: 0, end: 5 },
      { partNumber: 2, start: 5, end: 10 },
      { partNumber: 3, start: 10, end: 11 },
    ]);
  });
});
