import { describe, expect, it } from 'vitest';
import { jobHash, sign, type CreationBody, type DeletionBody } from '../../../functions/jobs/domain/attestation.ts';
import { verifyReleaseLog, type PrivacyViewInput } from '../../../functions/jobs/domain/release-log.ts';
import { KeySigner } from '../../../functions/jobs/drivers/key-file-signer.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { verifyJob, type AttestedJob } from '../../../sdk/dispatcher/privacy.ts';

const SEED = 20261202;
const rand = seededPrng(SEED);
const signer = new KeySigner(Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
const JOB = 'job_01JD3Q0000000000000000000B';
const HASH = `sha256:${'ab'.repeat(32)}`;
const doc = { jobId: JOB, adapter: 'training', spec: { numGpus: 1 } };
const creationBody = {
  type: 'container:created',
  jobId: JOB,
  containerId: 'arn:aws:ecs:local:000000000000:task/vracu-local/def',
  agentId: 'agent-1',
  identity: 'ari1.agentplatform@',
  createdAt: '2026-02-18T21:00:00.000Z',
  jobHash: jobHash(doc),
  ephemeral: true,
  privacyTier: 'attested',
  attestationHash: HASH,
} as CreationBody;
const deletionBody = {
  type: 'container:destroyed',
  jobId: JOB,
  containerId: creationBody.containerId,
  createdAt: creationBody.createdAt,
  destroyedAt: '2026-02-18T21:05:00.000Z',
  dataVolumes: ['/app/job', '/tmp'],
  deletionMethod: 'container-auto-remove',
  exitCode: 0,
  stopReason: 'exited',
  privacyAttestation: true,
  privacyTier: 'attested',
  attestationHash: HASH,
} as DeletionBody;

const release = (step: number, at: string, over: Partial<PrivacyViewInput['releases'][number]> = {}) => ({
  jobId: JOB,
  sessionId: 'ses_1',
  step,
  attestationHash: HASH,
  broker: 'static',
  at,
  ...over,
});
// The privacy view as GET /v1/jobs/{id}/privacy serves it.
const view = (releases: PrivacyViewInput['releases']) => ({
  jobId: JOB,
  status: 'COMPLETED',
  tier: 'attested',
  requiredAttesters: ['development'],
  claims: { 'development.development': true },
  attestationHash: HASH,
  session: { sessionId: 'ses_1', state: 'closed', attestationHash: HASH, broker: 'static', lastStep: 2, openedAt: '2026-02-18T21:00:00.000Z' },
  releases,
});
const good = () => [release(0, '2026-02-18T21:00:00.000Z'), release(1, '2026-02-18T21:01:00.000Z'), release(2, '2026-02-18T21:04:59.999Z')];

async function attestations() {
  return {
    creation: (await sign(creationBody, signer)) as unknown as Record<string, unknown>,
    deletion: (await sign(deletionBody, signer)) as unknown as Record<string, unknown>,
  };
}

describe(`the key-release log against the attestations (seed ${SEED})`, () => {
  it('a log that agrees has no problems, and verifyJob stays ok with it', async () => {
    const { creation, deletion } = await attestations();
    expect(verifyReleaseLog(view(good()), creation, deletion)).toEqual([]);
    const job: AttestedJob = { jobId: JOB, status: 'COMPLETED', jobHash: creationBody.jobHash, agent: null, creation, deletion };
    expect(verifyJob(job, new Map([['agent-1', signer.publicKeyHex]]), view(good()))).toEqual({ ok: true, problems: [], lifetimeMs: 300_000 });
  });

  it('a release at the creation instant and one at the destruction instant are inside the lifetime', async () => {
    const { creation, deletion } = await attestations();
    expect(verifyReleaseLog(view([release(0, creationBody.createdAt), release(1, deletionBody.destroyedAt)]), creation, deletion)).toEqual([]);
  });

  const cases: [string, () => PrivacyViewInput['releases'], string][] = [
    [
      'a release for another attestation hash',
      () => [good()[0]!, release(1, '2026-02-18T21:01:00.000Z', { attestationHash: `sha256:${'cd'.repeat(32)}` })],
      'release_attestation_hash_mismatch',
    ],
    ['a session that starts at step 1', () => good().slice(1), 'release_steps_not_from_zero'],
    ['a step repeated', () => [good()[0]!, release(1, '2026-02-18T21:01:00.000Z'), release(1, '2026-02-18T21:02:00.000Z')], 'release_steps_not_increasing'],
    [
      'a later release with a lower step',
      () => [good()[0]!, release(2, '2026-02-18T21:01:00.000Z'), release(1, '2026-02-18T21:02:00.000Z')],
      'release_steps_not_increasing',
    ],
    ['a release before the creation attestation', () => [release(0, '2026-02-18T20:59:59.999Z'), ...good().slice(1)], 'release_before_creation'],
    ['a release after destroyedAt', () => [...good(), release(3, '2026-02-18T21:05:00.001Z')], 'release_after_destruction'],
    [
      'a release of another job',
      () => [good()[0]!, release(1, '2026-02-18T21:01:00.000Z', { jobId: 'job_01JD3Q0000000000000000000C' })],
      'release_job_id_mismatch',
    ],
    ['a release of another session', () => [...good(), release(0, '2026-02-18T21:02:00.000Z', { sessionId: 'ses_2' })], 'release_session_unknown'],
    ['an unreadable release time', () => [...good(), release(3, 'yesterday')], 'release_time_invalid'],
    ['a fractional step', () => [...good(), release(2.5, '2026-02-18T21:04:59.999Z')], 'release_step_invalid'],
  ];
  for (const [what, releases, problem] of cases) {
    it(`names ${problem}: ${what}`, async () => {
      const { creation, deletion } = await attestations();
      expect(verifyReleaseLog(view(releases()), creation, deletion)).toEqual([problem]);
      // verifyJob reports it too, and is not ok.
      const job: AttestedJob = { jobId: JOB, status: 'COMPLETED', jobHash: creationBody.jobHash, agent: null, creation, deletion };
      expect(verifyJob(job, new Map([['agent-1', signer.publicKeyHex]]), view(releases()))).toMatchObject({ ok: false, problems: [problem] });
    });
  }

  it('names each of several failures once', async () => {
    const { creation, deletion } = await attestations();
    const bad = [
      release(1, '2026-02-18T20:00:00.000Z', { attestationHash: `sha256:${'00'.repeat(32)}` }),
      release(1, '2026-02-18T22:00:00.000Z', { attestationHash: `sha256:${'00'.repeat(32)}` }),
    ];
    expect(verifyReleaseLog(view(bad), creation, deletion).sort()).toEqual(
      [
        'release_after_destruction',
        'release_attestation_hash_mismatch',
        'release_before_creation',
        'release_steps_not_from_zero',
        'release_steps_not_increasing',
      ].sort(),
    );
  });

  it("a view whose hash is not the attestations' is named (and verifyAttestations names both attestations' mismatch)", async () => {
    const { creation, deletion } = await attestations();
    const other = { ...view(good()), attestationHash: `sha256:${'ee'.repeat(32)}` };
    expect(verifyReleaseLog(other, creation, deletion)).toEqual(['privacy_view_attestation_hash_mismatch']);
    const job: AttestedJob = { jobId: JOB, status: 'COMPLETED', jobHash: creationBody.jobHash, agent: null, creation, deletion };
    expect(verifyJob(job, new Map([['agent-1', signer.publicKeyHex]]), other).problems.sort()).toEqual(
      ['creation_attestation_hash_mismatch', 'deletion_attestation_hash_mismatch', 'privacy_view_attestation_hash_mismatch'].sort(),
    );
  });

  it("another job's view, and releases without an attested creation, are named", async () => {
    const { creation, deletion } = await attestations();
    expect(verifyReleaseLog({ ...view(good()), jobId: 'job_01JD3Q0000000000000000000C' }, creation, deletion)).toContain('privacy_view_job_id_mismatch');
    const { attestationHash: _c, ...plainCreation } = creation;
    const { attestationHash: _d, ...plainDeletion } = deletion;
    expect(verifyReleaseLog(view(good()), plainCreation, plainDeletion)).toEqual(['release_without_attested_creation']);
  });
});
