/**
 * Artifacts end to end on DynamoDB Local and fauxqs S3: a buyer seals an input locally,
 * uploads it with a real presigned PUT, names it in a job; the privacy gate's seam releases
 * its key, which opens what the presigned GET returns; a sidecar's output, HPKE-sealed to the
 * buyer, comes back to the buyer only. Another buyer sees 404s; bad input writes nothing. The
 * owner lists its inputs and deletes them (wrapped key and object gone; a job naming one is refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import * as api from '../../../functions/artifacts/api.ts';
import { submitJobRoute } from '../../../functions/jobs/api.ts';
import { releaseInputs, outputSlots, recordOutputs } from '../../../functions/artifacts/index.ts';
import { newFileKey, openBytes, recordsOf, sealBytes } from '../../../functions/platform/crypto/sealed-file.ts';
import { inclusionProof, leafHash, merkleRoot } from '../../../functions/platform/crypto/merkle.ts';
import { generateEncryptionKeyPair, openFileKey, sealFileKey } from '../../../functions/platform/crypto/hpke.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { getArtifact } from '../../../functions/artifacts/store/artifact-store.ts';
import { sidecarUpload } from '../../../functions/artifacts/usecases/sidecar.ts';
import { getJob } from '../../../functions/jobs/index.ts';
import { artifactsHarness, type ArtifactsHarness } from './harness.ts';

const alice: Principal = { id: 'prn_alice', tenant: 'tenant-alice', roles: ['buyer'], keyId: 'key_a' };
const bob: Principal = { id: 'prn_bob', tenant: 'tenant-bob', roles: ['buyer'], keyId: 'key_b' };
const prng = seededPrng(5);
const random = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(prng() * 256));
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

let t: ArtifactsHarness;
beforeAll(async () => {
  t = await artifactsHarness({ maxBytes: 64 * 1024, maxJobOutputBytes: 128 * 1024 });
});
afterAll(async () => {
  await t?.close();
});

async function put(upload: { url: string; headers: Record<string, string> }, body: Uint8Array): Promise<number> {
  const res = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
  await res.arrayBuffer();
  return res.status;
}

/** What `vracu artifacts put` does: seal locally, register, upload, complete. */
async function uploadInput(who: Principal, name: string, plain: Uint8Array) {
  const key = newFileKey(random);
  const sealed = await sealBytes(plain, key, 256);
  const root = hex(merkleRoot(recordsOf(sealed)));
  const created = await t.call(api.createArtifactRoute, who, {
    body: { name, size: sealed.length, merkleRoot: root, fileKey: Buffer.from(key).toString('base64') },
  });
  expect(created.status).toBe(201);
  expect(await put(created.body.upload, sealed)).toBe(200);
  const done = await t.call(api.completeArtifactRoute, who, { params: { aid: created.body.artifact.artifactId }, body: {} });
  expect(done.status).toBe(200);
  return { artifactId: created.body.artifact.artifactId as string, sealed, root, key };
}

/** What the sidecar asks for once an output is sealed: its upload, presigned for that size. */
async function outputUpload(jobId: string, artifactId: string, size: number) {
  const { upload } = await sidecarUpload(t.d, (await getJob(t.d.jobsStore, jobId))!, { artifactId, size });
  if (upload.method !== 'PUT') throw new Error(`expected one PUT for ${size} bytes`);
  return upload;
}

async function submit(who: Principal, inputs: { name: string; artifactId: string }[]) {
  const res = await t.call(submitJobRoute, who, {
    body: { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] }, timeoutMs: 10_000, inputs },
  });
  expect(res.status).toBe(201);
  return res.body.jobId as string;
}

describe('inputs: sealed by the buyer, stored as ciphertext, key wrapped', () => {
  it('create → presigned PUT → complete; the record holds a wrapped key, never the file key', async () => {
    const plain = random(1000);
    const up = await uploadInput(alice, 'data.bin', plain);
    const rec = (await getArtifact(t.d.store, up.artifactId))!;
    expect(rec.state).toBe('uploaded');
    expect(rec.objectKey).toBe(`inputs/${alice.tenant}/${up.artifactId}`);
    expect(rec.wrappedKey).toBeDefined();
    expect(Buffer.from(rec.wrappedKey!, 'base64').includes(Buffer.from(up.key))).toBe(false);
    // The object is the ciphertext: it does not contain the plaintext.
    const got = Buffer.from(await (await fetch((await t.d.objects.presignGet(rec.objectKey, 60, t.h.env.clock.nowMs())).url)).arrayBuffer());
    expect(got.equals(Buffer.from(up.sealed))).toBe(true);
    expect(got.includes(Buffer.from(plain.subarray(0, 64)))).toBe(false);
  });

  it('complete before the upload, or after an upload of another size, is 409 upload_incomplete; another buyer gets 404', async () => {
    const sealed = await sealBytes(random(100), newFileKey(random), 64);
    const created = await t.call(api.createArtifactRoute, alice, {
      body: { name: 'x.bin', size: sealed.length, merkleRoot: hex(merkleRoot(recordsOf(sealed))), fileKey: Buffer.alloc(32, 1).toString('base64') },
    });
    const aid = created.body.artifact.artifactId;
    const early = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: {} });
    expect([early.status, early.body.code]).toEqual([409, 'upload_incomplete']);
    // The presigned PUT pins content-type and content-length; upload a shorter body with the URL's headers dropped.
    await fetch(created.body.upload.url, { method: 'PUT', body: sealed.subarray(0, 40) }).then((r) => r.arrayBuffer());
    const short = await t.call(api.completeArtifactRoute, alice, { params: { aid }, body: {} });
    expect([short.status, short.body.code]).toEqual([409, 'upload_incomplete']);
    const other = await t.call(api.completeArtifactRoute, bob, { params: { aid }, body: {} });
    expect([other.status, other.body.code]).toEqual([404, 'not_found']);
  });

  it.each([
    ['a file key of 16 bytes', { fileKey: Buffer.alloc(16).toString('base64') }, 400, 'validation_failed'],
    ['a name with a slash', { name: '../etc/passwd' }, 400, 'validation_failed'],
    ['a root that is not hex', { merkleRoot: 'zz'.repeat(32) }, 400, 'validation_failed'],
    ['a size over the limit', { size: 64 * 1024 + 1 }, 413, 'artifact_too_large'],
  ])('%s → %i %s, nothing written', async (_what, patch, status, code) => {
    const before = await t.h.env.rt.doc.send(new (await import('@aws-sdk/lib-dynamodb')).ScanCommand({ TableName: t.d.store.table, Select: 'COUNT' }));
    const body = { name: 'ok.bin', size: 100, merkleRoot: 'ab'.repeat(32), fileKey: Buffer.alloc(32, 2).toString('base64'), ...patch };
    const res = await t.call(api.createArtifactRoute, alice, { body });
    expect([res.status, res.body.code]).toEqual([status, code]);
    const after = await t.h.env.rt.doc.send(new (await import('@aws-sdk/lib-dynamodb')).ScanCommand({ TableName: t.d.store.table, Select: 'COUNT' }));
    expect(after.Count).toBe(before.Count);
  });
});

describe("a job's inputs: listed to its buyer, released to its attested job only", () => {
  it('lists the inputs; another buyer gets 404 for the job and its artifacts', async () => {
    const up = await uploadInput(alice, 'weights.bin', random(700));
    const jobId = await submit(alice, [{ name: 'weights.bin', artifactId: up.artifactId }]);
    const list = await t.call(api.jobArtifactsRoute, alice, { params: { id: jobId } });
    expect(list.status).toBe(200);
    expect(list.body.artifacts).toEqual([
      {
        name: 'weights.bin',
        kind: 'input',
        artifactId: up.artifactId,
        artifact: expect.objectContaining({ size: up.sealed.length, merkleRoot: up.root, state: 'uploaded' }),
      },
    ]);
    expect((await t.call(api.jobArtifactsRoute, bob, { params: { id: jobId } })).status).toBe(404);
    expect((await t.call(api.jobArtifactRoute, bob, { params: { id: jobId, aid: up.artifactId } })).status).toBe(404);
    const mine = await t.call(api.jobArtifactRoute, alice, { params: { id: jobId, aid: up.artifactId } });
    expect(mine.status).toBe(200);
    expect(mine.body.sealedKey).toBeUndefined();
  });

  it('releaseInputs unwraps the key, which opens what the presigned GET returns; the root matches', async () => {
    const plain = random(3000);
    const up = await uploadInput(alice, 'in.bin', plain);
    const jobId = await submit(alice, [{ name: 'model', artifactId: up.artifactId }]);
    const released = await releaseInputs(t.d, { jobId, buyerId: alice.id, attestationHash: 'aa'.repeat(32) });
    expect(released.map((r) => [r.name, r.artifactId, r.merkleRoot])).toEqual([['model', up.artifactId, up.root]]);
    const sealed = Buffer.from(await (await fetch(released[0]!.download.url)).arrayBuffer());
    expect(hex(merkleRoot(recordsOf(sealed)))).toBe(up.root);
    expect(Buffer.from(await openBytes(sealed, released[0]!.fileKey)).equals(Buffer.from(plain))).toBe(true);
    // The same attestation again (a retried handshake) is fine; another one is refused.
    expect((await releaseInputs(t.d, { jobId, buyerId: alice.id, attestationHash: 'aa'.repeat(32) })).length).toBe(1);
    await expect(releaseInputs(t.d, { jobId, buyerId: alice.id, attestationHash: 'bb'.repeat(32) })).rejects.toMatchObject({ code: 'already_released' });
    await expect(releaseInputs(t.d, { jobId, buyerId: bob.id, attestationHash: 'aa'.repeat(32) })).rejects.toMatchObject({ code: 'input_not_available' });
  });

  it("a job naming another buyer's artifact, or one never uploaded, gets no key", async () => {
    const bobs = await uploadInput(bob, 'secret.bin', random(100));
    const job = await submit(alice, [{ name: 'stolen', artifactId: bobs.artifactId }]);
    await expect(releaseInputs(t.d, { jobId: job, buyerId: alice.id, attestationHash: 'cc'.repeat(32) })).rejects.toMatchObject({
      code: 'input_not_available',
    });
    const listed = await t.call(api.jobArtifactsRoute, alice, { params: { id: job } });
    expect(listed.body.artifacts[0].artifact).toBeNull();
    expect((await t.call(api.jobArtifactRoute, alice, { params: { id: job, aid: bobs.artifactId } })).status).toBe(404);

    const created = await t.call(api.createArtifactRoute, alice, {
      body: { name: 'never.bin', size: 100, merkleRoot: 'ab'.repeat(32), fileKey: Buffer.alloc(32, 3).toString('base64') },
    });
    const job2 = await submit(alice, [{ name: 'never', artifactId: created.body.artifact.artifactId }]);
    await expect(releaseInputs(t.d, { jobId: job2, buyerId: alice.id, attestationHash: 'dd'.repeat(32) })).rejects.toMatchObject({
      code: 'input_not_available',
    });
  });
});

describe('outputs: sealed to the buyer by the sidecar, downloadable by the buyer only', () => {
  it('registers the key, uploads through a slot, records, and the buyer opens it', async () => {
    const pair = await generateEncryptionKeyPair(Uint8Array.from(random(32)));
    const reg = await t.call(api.encryptionKeyRoute, alice, { body: { publicKey: hex(pair.publicKey) } });
    expect(reg.status).toBe(200);
    const jobId = await submit(alice, []);
    const grant = await outputSlots(t.d, { jobId, count: 2 });
    expect(grant.recipientPublicKey).toBe(hex(pair.publicKey));
    // What the sidecar does with one output.
    const plain = random(2048);
    const key = newFileKey(random);
    const sealed = await sealBytes(plain, key, 512);
    const slot = grant.slots[0]!;
    expect(await put(await outputUpload(jobId, slot.artifactId, sealed.length), sealed)).toBe(200);
    const sealedKey = await sealFileKey(Buffer.from(grant.recipientPublicKey, 'hex'), key, { jobId, name: 'result.bin' });
    const root = hex(merkleRoot(recordsOf(sealed)));
    await recordOutputs(t.d, {
      jobId,
      outputs: [
        { artifactId: slot.artifactId, name: 'result.bin', size: sealed.length, merkleRoot: root, sealedKey: Buffer.from(sealedKey).toString('base64') },
      ],
    });

    const list = await t.call(api.jobArtifactsRoute, alice, { params: { id: jobId } });
    expect(list.body.artifacts).toEqual([
      expect.objectContaining({ name: 'result.bin', kind: 'output', artifact: expect.objectContaining({ merkleRoot: root, size: sealed.length }) }),
    ]);
    const dl = await t.call(api.jobArtifactRoute, alice, { params: { id: jobId, aid: slot.artifactId } });
    expect(dl.status).toBe(200);
    const bytes = Buffer.from(await (await fetch(dl.body.download.url)).arrayBuffer());
    const fileKey = await openFileKey(pair.privateKey, Buffer.from(dl.body.sealedKey, 'base64'), { jobId, name: 'result.bin' });
    expect(Buffer.from(await openBytes(bytes, fileKey)).equals(Buffer.from(plain))).toBe(true);
    expect((await t.call(api.jobArtifactRoute, bob, { params: { id: jobId, aid: slot.artifactId } })).status).toBe(404);

    // A reported size the object does not have, a second record of the same slot, an unused slot: refused.
    await expect(
      recordOutputs(t.d, { jobId, outputs: [{ artifactId: grant.slots[1]!.artifactId, name: 'b.bin', size: 10, merkleRoot: root, sealedKey: 'AA==' }] }),
    ).rejects.toMatchObject({ code: 'upload_incomplete' });
    await expect(
      recordOutputs(t.d, { jobId, outputs: [{ artifactId: slot.artifactId, name: 'result.bin', size: sealed.length, merkleRoot: root, sealedKey: 'AA==' }] }),
    ).rejects.toMatchObject({ code: 'artifact_already_uploaded' });
    // Nor is a recorded output's object given out for writing again.
    await expect(sidecarUpload(t.d, (await getJob(t.d.jobsStore, jobId))!, { artifactId: slot.artifactId, size: 64 })).rejects.toMatchObject({
      code: 'artifact_already_uploaded',
    });
  });

  it('an upload over the limit is refused before any URL; an object over it that got there anyway is deleted and refused', async () => {
    const jobId = await submit(alice, []);
    const grant = await outputSlots(t.d, { jobId, count: 1 });
    const big = random(64 * 1024 + 10);
    await expect(outputUpload(jobId, grant.slots[0]!.artifactId, big.length)).rejects.toMatchObject({ code: 'output_too_large', status: 413 });
    const key = `outputs/${jobId}/${grant.slots[0]!.artifactId}`;
    expect(await put(await t.d.objects.presignPut(key, big.length, 60, t.h.env.clock.nowMs()), big)).toBe(200);
    await expect(
      recordOutputs(t.d, {
        jobId,
        outputs: [{ artifactId: grant.slots[0]!.artifactId, name: 'big.bin', size: big.length, merkleRoot: 'ab'.repeat(32), sealedKey: 'AA==' }],
      }),
    ).rejects.toMatchObject({ code: 'output_too_large' });
    expect(await t.d.objects.head(`outputs/${jobId}/${grant.slots[0]!.artifactId}`)).toBeNull();
  });

  it('outputs over the per-job total: every reported object is deleted, none recorded', async () => {
    const jobId = await submit(alice, []);
    const grant = await outputSlots(t.d, { jobId, count: 3 });
    expect(grant.maxTotalBytes).toBe(t.d.cfg.maxJobOutputBytes);
    const each = random(48 * 1024);
    for (const s of grant.slots) expect(await put(await outputUpload(jobId, s.artifactId, each.length), each)).toBe(200);
    const outputs = grant.slots.map((s, n) => ({
      artifactId: s.artifactId,
      name: `part${n}.bin`,
      size: each.length,
      merkleRoot: 'ab'.repeat(32),
      sealedKey: 'AA==',
    }));
    await expect(recordOutputs(t.d, { jobId, outputs })).rejects.toMatchObject({ code: 'output_too_large', status: 413 });
    for (const s of grant.slots) expect(await t.d.objects.head(`outputs/${jobId}/${s.artifactId}`)).toBeNull();
    const listed = await t.call(api.jobArtifactsRoute, alice, { params: { id: jobId } });
    expect(listed.body.artifacts.filter((a: { kind: string }) => a.kind === 'output')).toEqual([]);
  });

  it('an output past its retention lists as expired and its download is 410; the record expires no later than its object', async () => {
    const jobId = await submit(alice, []);
    const grant = await outputSlots(t.d, { jobId, count: 1 });
    const sealed = await sealBytes(random(300), newFileKey(random), 128);
    const aid = grant.slots[0]!.artifactId;
    expect(await put(await outputUpload(jobId, aid, sealed.length), sealed)).toBe(200);
    const recordedAt = t.h.env.clock.nowMs();
    const [rec] = await recordOutputs(t.d, {
      jobId,
      outputs: [{ artifactId: aid, name: 'keep.bin', size: sealed.length, merkleRoot: hex(merkleRoot(recordsOf(sealed))), sealedKey: 'AA==' }],
    });
    // S3 deletes at the midnight UTC after the object is N days old: never before recordedAt + N days.
    expect(Date.parse(rec!.expiresAt!)).toBe(recordedAt + t.d.cfg.outputExpiryDays * 86_400_000);
    const item = await t.h.env.rt.doc.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: t.d.store.table, Key: { pk: `ART#${aid}`, sk: 'ART' } }),
    );
    expect(item.Item!.ttl).toBeGreaterThan(Date.parse(rec!.expiresAt!) / 1000);

    const shown = async () => (await t.call(api.jobArtifactsRoute, alice, { params: { id: jobId } })).body.artifacts[0].artifact;
    expect(await shown()).toMatchObject({ state: 'uploaded', expiresAt: rec!.expiresAt });
    expect((await t.call(api.jobArtifactRoute, alice, { params: { id: jobId, aid } })).status).toBe(200);
    t.h.env.clock.advance(t.d.cfg.outputExpiryDays * 86_400_000 - 1);
    expect((await t.call(api.jobArtifactRoute, alice, { params: { id: jobId, aid } })).status).toBe(200);
    t.h.env.clock.advance(1);
    expect(await shown()).toMatchObject({ state: 'expired' });
    const gone = await t.call(api.jobArtifactRoute, alice, { params: { id: jobId, aid } });
    expect([gone.status, gone.body.code, gone.body.expiresAt]).toEqual([410, 'artifact_expired', rec!.expiresAt]);
    // Another buyer still sees nothing at all.
    expect((await t.call(api.jobArtifactRoute, bob, { params: { id: jobId, aid } })).status).toBe(404);
  });

  it('without a registered key there are no slots', async () => {
    const jobId = await submit(bob, []);
    await expect(outputSlots(t.d, { jobId, count: 1 })).rejects.toMatchObject({ code: 'encryption_key_missing' });
  });
});

describe('POST /v1/artifacts/verify', () => {
  it('a chunk proof against the recorded root is valid; a tampered leaf or another root is not', async () => {
    const up = await uploadInput(alice, 'proof.bin', random(1500));
    const leaves = recordsOf(up.sealed).map(leafHash);
    const i = 3;
    const body = { artifactId: up.artifactId, leafIndex: i, treeSize: leaves.length, leafHash: hex(leaves[i]!), proof: inclusionProof(leaves, i).map(hex) };
    const ok = await t.call(api.verifyArtifactRoute, alice, { body });
    expect([ok.status, ok.body.valid, ok.body.checks.rootMatchesRecord]).toEqual([200, true, true]);
    const bad = await t.call(api.verifyArtifactRoute, alice, { body: { ...body, leafHash: hex(leaves[i + 1]!) } });
    expect(bad.body.valid).toBe(false);
    const other = await t.call(api.verifyArtifactRoute, alice, { body: { ...body, merkleRoot: 'ab'.repeat(32) } });
    expect([other.body.valid, other.body.checks.rootMatchesRecord]).toEqual([false, false]);
    expect((await t.call(api.verifyArtifactRoute, bob, { body })).status).toBe(404);
    const neither = await t.call(api.verifyArtifactRoute, alice, { body: { leafIndex: 0, treeSize: 1, leafHash: body.leafHash, proof: [] } });
    expect([neither.status, neither.body.code]).toEqual([400, 'validation_failed']);
  });
});

describe("the owner's inputs: listed, and deleted", () => {
  const carol: Principal = { id: 'prn_carol', tenant: 'tenant-carol', roles: ['buyer'], keyId: 'key_c' };

  it('lists them newest first, a page at a time; another tenant lists only its own', async () => {
    const a = await uploadInput(carol, 'one.bin', random(300));
    t.h.env.clock.advance(1000);
    const b = await uploadInput(carol, 'two.bin', random(300));
    const first = await t.call(api.listArtifactsRoute, carol, { query: { limit: '1' } });
    expect(first.status).toBe(200);
    expect(first.body.artifacts.map((x: { artifactId: string }) => x.artifactId)).toEqual([b.artifactId]);
    const second = await t.call(api.listArtifactsRoute, carol, { query: { limit: '1', cursor: first.body.next } });
    expect(second.body.artifacts).toEqual([expect.objectContaining({ artifactId: a.artifactId, name: 'one.bin', state: 'uploaded', kind: 'input' })]);
    const others = await t.call(api.listArtifactsRoute, bob, {});
    expect(others.body.artifacts.map((x: { artifactId: string }) => x.artifactId)).not.toContain(a.artifactId);
    // A cursor made for another tenant's listing is a 400, not a page of theirs.
    const foreign = await t.call(api.listArtifactsRoute, bob, { query: { cursor: first.body.next } });
    expect([foreign.status, foreign.body.code]).toEqual([400, 'validation_failed']);
  });

  it('delete: the wrapped key and the object go, the record says deleted; again answers the same; a job naming it is refused', async () => {
    const up = await uploadInput(carol, 'secret.bin', random(500));
    const rec = (await getArtifact(t.d.store, up.artifactId))!;
    expect(await t.d.objects.head(rec.objectKey)).not.toBeNull();
    const del = await t.call(api.deleteArtifactRoute, carol, { params: { aid: up.artifactId } });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ artifactId: up.artifactId, state: 'deleted', deletedAt: expect.any(String) });
    const after = (await getArtifact(t.d.store, up.artifactId))!;
    expect([after.state, after.wrappedKey]).toEqual(['deleted', undefined]);
    expect(await t.d.objects.head(rec.objectKey)).toBeNull();
    const again = await t.call(api.deleteArtifactRoute, carol, { params: { aid: up.artifactId } });
    expect([again.status, again.body.deletedAt]).toEqual([200, del.body.deletedAt]);
    const listed = await t.call(api.listArtifactsRoute, carol, {});
    expect(listed.body.artifacts.find((x: { artifactId: string }) => x.artifactId === up.artifactId)).toMatchObject({ state: 'deleted' });
    const jobId = await submit(carol, [{ name: 'secret.bin', artifactId: up.artifactId }]);
    await expect(releaseInputs(t.d, { jobId, buyerId: carol.id, attestationHash: 'cc'.repeat(32) })).rejects.toMatchObject({ code: 'input_not_available' });
  });

  it("another tenant's input is a 404 and stays; an output is not deleted by hand; a malformed id is a 400", async () => {
    const up = await uploadInput(carol, 'kept.bin', random(200));
    const other = await t.call(api.deleteArtifactRoute, bob, { params: { aid: up.artifactId } });
    expect(other.status).toBe(404);
    expect((await getArtifact(t.d.store, up.artifactId))!.state).toBe('uploaded');
    const jobId = await submit(alice, []);
    const grant = await outputSlots(t.d, { jobId, count: 1 });
    const sealed = await sealBytes(random(100), newFileKey(random), 64);
    const aid = grant.slots[0]!.artifactId;
    expect(await put(await outputUpload(jobId, aid, sealed.length), sealed)).toBe(200);
    await recordOutputs(t.d, { jobId, outputs: [{ artifactId: aid, name: 'out.bin', size: sealed.length, merkleRoot: 'ab'.repeat(32), sealedKey: 'AA==' }] });
    const output = await t.call(api.deleteArtifactRoute, alice, { params: { aid } });
    expect([output.status, output.body.code]).toEqual([409, 'artifact_not_an_input']);
    expect(await t.d.objects.head(`outputs/${jobId}/${aid}`)).not.toBeNull();
    const bad = await t.call(api.deleteArtifactRoute, carol, { params: { aid: 'not-an-id' } });
    expect(bad.status).toBe(400);
  });
});
