/**
 * The sidecar's artifacts routes as the sidecar calls them (the job credential in
 * X-Job-Credential), on a job the pool launched: an output's upload is presigned for its size
 * while the job holds its container (one PUT, or a multipart plan over the part size), only for
 * the slots the job was granted; no credential is 401, another job's is 403, an id it was not
 * granted 403, over the per-file limit 413; a job reports its outputs once (the same report
 * again records nothing twice, another is 409); once the job ended, an upload or a report is
 * 409 artifacts_job_ended and nothing is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../../functions/artifacts/api.ts';
import { cancelJob } from '../../../functions/jobs/usecases/abort.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { getArtifact } from '../../../functions/artifacts/store/artifact-store.ts';
import { outputSlots } from '../../../functions/artifacts/index.ts';
import { alice, privacyHarness, type PrivacyHarness } from '../privacy/harness.ts';
import { artifactsHarness, type ArtifactsHarness } from './harness.ts';

let ph: PrivacyHarness;
let t: ArtifactsHarness;
let A: { jobId: string; credential: string };
let B: { jobId: string; credential: string };
/** Each job's output slots, as its handshake grants them. */
let slotsA: string[];
let slotsB: string[];

beforeAll(async () => {
  ph = await privacyHarness();
  t = await artifactsHarness({ on: ph.h, maxBytes: 64 * 1024 * 1024 });
  await t.call(api.encryptionKeyRoute, alice, { body: { publicKey: 'ab'.repeat(32) } });
  A = await ph.attesting();
  B = await ph.attesting();
  slotsA = (await outputSlots(t.d, { jobId: A.jobId, count: 6 })).slots.map((x) => x.artifactId);
  slotsB = (await outputSlots(t.d, { jobId: B.jobId, count: 2 })).slots.map((x) => x.artifactId);
}, 60_000);
afterAll(async () => ph?.close());

const upload = (j: { jobId: string }, body: unknown, credential?: string) =>
  ph.call(api.sidecarUploadRoute, { params: { id: j.jobId }, body, ...(credential ? { credential } : {}) });

describe('POST /v1/jobs/{id}/artifacts/uploads', () => {
  it('while the job holds its container: a PUT pinned to the size, or parts over the part size', async () => {
    const small = await upload(A, { artifactId: slotsA[0], size: 1000 }, A.credential);
    expect(small.status).toBe(200);
    expect(small.body!.upload).toMatchObject({ method: 'PUT', headers: { 'content-length': '1000' } });
    expect(small.body!.upload.url).toContain(`outputs/${A.jobId}/${slotsA[0]}`);
    const big = await upload(A, { artifactId: slotsA[1], size: t.d.cfg.partBytes * 2 + 1 }, A.credential);
    expect(big.status).toBe(200);
    expect(big.body!.upload.method).toBe('MULTIPART');
    expect(big.body!.upload.parts.map((p: { headers: Record<string, string> }) => Number(p.headers['content-length']))).toEqual([
      t.d.cfg.partBytes,
      t.d.cfg.partBytes,
      1,
    ]);
  });

  it.each([
    ['no credential', () => upload(A, { artifactId: slotsA[2], size: 100 }), 401, 'unauthenticated'],
    ["another job's credential", () => upload(A, { artifactId: slotsA[2], size: 100 }, B.credential), 403, 'artifacts_credential_invalid'],
    ['a size over the per-file limit', () => upload(A, { artifactId: slotsA[2], size: 64 * 1024 * 1024 + 1 }, A.credential), 413, 'output_too_large'],
    ['an id the job was not granted', () => upload(A, { artifactId: `art_${'2'.repeat(26)}`, size: 100 }, A.credential), 403, 'output_slot_unknown'],
    ["another job's slot", () => upload(A, { artifactId: slotsB[0], size: 100 }, A.credential), 403, 'output_slot_unknown'],
    ['an id that is no artifact id', () => upload(A, { artifactId: '../../inputs/x', size: 100 }, A.credential), 400, 'validation_failed'],
  ])('%s → %i %s', async (_what, call, status, code) => {
    const r = await call();
    expect([r.status, r.body!.code]).toEqual([status, code]);
  });

  it('after the job ended, an upload and a report are 409 artifacts_job_ended, nothing recorded', async () => {
    await cancelJob(ph.h.d, (await getJob(ph.h.d.store, B.jobId))!);
    await ph.h.pumpUntil(async () => ['ABORTED', 'CANCELLED', 'FAILED', 'COMPLETED'].includes((await getJob(ph.h.d.store, B.jobId))!.status));
    const late = await upload(B, { artifactId: slotsB[1], size: 100 }, B.credential);
    expect([late.status, late.body!.code]).toEqual([409, 'artifacts_job_ended']);
    const report = await ph.call(api.sidecarReportRoute, {
      params: { id: B.jobId },
      credential: B.credential,
      body: {
        outputs: [{ artifactId: slotsB[1], name: 'late.bin', size: 100, merkleRoot: 'ab'.repeat(32), sealedKey: Buffer.alloc(80).toString('base64') }],
      },
    });
    expect([report.status, report.body!.code]).toEqual([409, 'artifacts_job_ended']);
    expect(await getArtifact(t.d.store, slotsB[1]!)).toBeNull();
  });
});

describe('the grant: the slots, and one report per job', () => {
  const sealedKey = Buffer.alloc(80, 7).toString('base64');
  const uploadBytes = async (artifactId: string, bytes: Buffer) => {
    const r = await upload(A, { artifactId, size: bytes.length }, A.credential);
    expect(r.status).toBe(200);
    const res = await fetch(r.body!.upload.url, { method: 'PUT', headers: r.body!.upload.headers, body: bytes });
    expect(res.status).toBe(200);
  };
  const report = (outputs: unknown[]) => ph.call(api.sidecarReportRoute, { params: { id: A.jobId }, credential: A.credential, body: { outputs } });
  const out = (artifactId: string, name: string, size: number) => ({ artifactId, name, size, merkleRoot: 'cd'.repeat(32), sealedKey });

  it('a handshake made again is granted the same slots', async () => {
    expect((await outputSlots(t.d, { jobId: A.jobId, count: 6 })).slots.map((x) => x.artifactId)).toEqual(slotsA);
  });

  it('a report naming an id the job was not granted is 403 and records nothing', async () => {
    const r = await report([out(`art_${'4'.repeat(26)}`, 'x.bin', 100)]);
    expect([r.status, r.body!.code]).toEqual([403, 'output_slot_unknown']);
    expect(await getArtifact(t.d.store, `art_${'4'.repeat(26)}`)).toBeNull();
    const twice = await report([out(slotsA[3]!, 'x.bin', 100), out(slotsA[3]!, 'y.bin', 100)]);
    expect([twice.status, twice.body!.code]).toEqual([400, 'validation_failed']);
  });

  it('the same report again records nothing twice; another set is 409 and the job keeps the first; no upload after it', async () => {
    await uploadBytes(slotsA[3]!, Buffer.alloc(300, 1));
    await uploadBytes(slotsA[4]!, Buffer.alloc(200, 2));
    const first = [out(slotsA[3]!, 'a.bin', 300), out(slotsA[4]!, 'b.bin', 200)];
    const r1 = await report(first);
    expect([r1.status, r1.body]).toEqual([200, { recorded: 2, failed: null }]);
    // Its answer lost, the sidecar sends it again (in another order): the same two, once.
    const r2 = await report([first[1], first[0]]);
    expect([r2.status, r2.body]).toEqual([200, { recorded: 2, failed: null }]);
    const job = await getJob(ph.h.d.store, A.jobId);
    expect(job!.outputs!.map((o) => o.name).sort()).toEqual(['a.bin', 'b.bin']);

    const other = await report([out(slotsA[5]!, 'c.bin', 100)]);
    expect([other.status, other.body!.code]).toEqual([409, 'outputs_already_reported']);
    expect(await getArtifact(t.d.store, slotsA[5]!)).toBeNull();
    expect((await getJob(ph.h.d.store, A.jobId))!.outputs!.map((o) => o.name).sort()).toEqual(['a.bin', 'b.bin']);
    const late = await upload(A, { artifactId: slotsA[5], size: 100 }, A.credential);
    expect([late.status, late.body!.code]).toEqual([409, 'outputs_already_reported']);
  });
});
