/**
 * The sidecar's artifacts routes as the sidecar calls them (the job credential in
 * X-Job-Credential), on a job the pool launched: an output's upload is presigned for its size
 * while the job holds its container (one PUT, or a multipart plan over the part size); no
 * credential is 401, another job's is 403, over the per-file limit 413; once the job ended,
 * an upload or a report is 409 artifacts_job_ended and nothing is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../../functions/artifacts/api.ts';
import { cancelJob } from '../../../functions/jobs/usecases/abort.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { getArtifact } from '../../../functions/artifacts/store/artifact-store.ts';
import { alice, privacyHarness, type PrivacyHarness } from '../privacy/harness.ts';
import { artifactsHarness, type ArtifactsHarness } from './harness.ts';

let ph: PrivacyHarness;
let t: ArtifactsHarness;
let A: { jobId: string; credential: string };
let B: { jobId: string; credential: string };

beforeAll(async () => {
  ph = await privacyHarness();
  t = await artifactsHarness({ on: ph.h, maxBytes: 64 * 1024 * 1024 });
  await t.call(api.encryptionKeyRoute, alice, { body: { publicKey: 'ab'.repeat(32) } });
  A = await ph.attesting();
  B = await ph.attesting();
}, 60_000);
afterAll(async () => ph?.close());

const upload = (j: { jobId: string }, body: unknown, credential?: string) =>
  ph.call(api.sidecarUploadRoute, { params: { id: j.jobId }, body, ...(credential ? { credential } : {}) });

describe('POST /v1/jobs/{id}/artifacts/uploads', () => {
  it('while the job holds its container: a PUT pinned to the size, or parts over the part size', async () => {
    const small = await upload(A, { artifactId: `art_${'0'.repeat(26)}`, size: 1000 }, A.credential);
    expect(small.status).toBe(200);
    expect(small.body!.upload).toMatchObject({ method: 'PUT', headers: { 'content-length': '1000' } });
    expect(small.body!.upload.url).toContain(`outputs/${A.jobId}/art_${'0'.repeat(26)}`);
    const big = await upload(A, { artifactId: `art_${'1'.repeat(26)}`, size: t.d.cfg.partBytes * 2 + 1 }, A.credential);
    expect(big.status).toBe(200);
    expect(big.body!.upload.method).toBe('MULTIPART');
    expect(big.body!.upload.parts.map((p: { headers: Record<string, string> }) => Number(p.headers['content-length']))).toEqual([
      t.d.cfg.partBytes,
      t.d.cfg.partBytes,
      1,
    ]);
  });

  it.each([
    ['no credential', () => upload(A, { artifactId: `art_${'2'.repeat(26)}`, size: 100 }), 401, 'unauthenticated'],
    ["another job's credential", () => upload(A, { artifactId: `art_${'2'.repeat(26)}`, size: 100 }, B.credential), 403, 'artifacts_credential_invalid'],
    [
      'a size over the per-file limit',
      () => upload(A, { artifactId: `art_${'2'.repeat(26)}`, size: 64 * 1024 * 1024 + 1 }, A.credential),
      413,
      'output_too_large',
    ],
    ['an id that is no artifact id', () => upload(A, { artifactId: '../../inputs/x', size: 100 }, A.credential), 400, 'validation_failed'],
  ])('%s → %i %s', async (_what, call, status, code) => {
    const r = await call();
    expect([r.status, r.body!.code]).toEqual([status, code]);
  });

  it('after the job ended, an upload and a report are 409 artifacts_job_ended, nothing recorded', async () => {
    await cancelJob(ph.h.d, (await getJob(ph.h.d.store, B.jobId))!);
    await ph.h.pumpUntil(async () => ['ABORTED', 'CANCELLED', 'FAILED', 'COMPLETED'].includes((await getJob(ph.h.d.store, B.jobId))!.status));
    const late = await upload(B, { artifactId: `art_${'3'.repeat(26)}`, size: 100 }, B.credential);
    expect([late.status, late.body!.code]).toEqual([409, 'artifacts_job_ended']);
    const report = await ph.call(api.sidecarReportRoute, {
      params: { id: B.jobId },
      credential: B.credential,
      body: {
        outputs: [
          { artifactId: `art_${'3'.repeat(26)}`, name: 'late.bin', size: 100, merkleRoot: 'ab'.repeat(32), sealedKey: Buffer.alloc(80).toString('base64') },
        ],
      },
    });
    expect([report.status, report.body!.code]).toEqual([409, 'artifacts_job_ended']);
    expect(await getArtifact(t.d.store, `art_${'3'.repeat(26)}`)).toBeNull();
  });
});
