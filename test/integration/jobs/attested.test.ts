/**
 * An attested job's lifecycle on the real engines and sandbox: LAUNCHING → ATTESTING (the
 * container runs, no key yet) → RUNNING once the gate confirms it, the tier and the
 * attestation hash in both attestations; a failed gate ends it FAILED `attestation_failed`
 * with a deletion attestation. The job credential reaches the sidecar's variables only and is
 * stored as a hash.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { submitJob, type SubmitInput } from '../../../functions/jobs/usecases/submit.ts';
import { verifyAttestations } from '../../../functions/jobs/domain/verify.ts';
import { jobDocument, type Job } from '../../../functions/jobs/domain/job.ts';
import { jobHash } from '../../../functions/jobs/domain/attestation.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { confirmAttested, failAttestation } from '../../../functions/jobs/usecases/attested.ts';
import { credentialProblem, hashJobCredential } from '../../../functions/jobs/usecases/credential.ts';
import type { LaunchSpec } from '../../../functions/jobs/drivers/driver.ts';
import { jobsHarness, type Harness } from './harness.ts';

const buyer: Principal = { id: 'prn_buyer', tenant: 'tenant-a', roles: ['buyer'], keyId: 'key_1' };
const attested = (script: string): SubmitInput => ({
  adapter: 'render',
  spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', script] },
  timeoutMs: 20_000,
  memoryMb: 256,
  privacy: { tier: 'attested', attesters: ['development'] },
});
const HASH = `sha256:${'ab'.repeat(32)}`;

let h: Harness;
let launched: LaunchSpec[];
beforeEach(async () => {
  h = await jobsHarness();
  launched = [];
  const launch = h.driver.launch.bind(h.driver);
  h.driver.launch = (spec) => {
    launched.push(spec);
    return launch(spec);
  };
});
afterEach(async () => {
  await h.close();
});

const verify = (job: Job, attestationHash?: string) => {
  const agent = h.agents.find((a) => a.name === job.agentId)!;
  return verifyAttestations({
    creation: job.creation,
    deletion: job.deletion,
    publicKeyHex: agent.publicKey,
    expected: { jobId: job.jobId, jobHash: jobHash(jobDocument(job)), containerId: job.containerId!, ...(attestationHash ? { attestationHash } : {}) },
  });
};

async function untilAttesting(jobId: string): Promise<Job> {
  await h.pumpUntil(async () => (await getJob(h.d.store, jobId))?.status === 'ATTESTING');
  return (await getJob(h.d.store, jobId))!;
}

describe('attested jobs', () => {
  it('wait in ATTESTING with a hashed credential given to the sidecar alone, then run and complete with the hash in both attestations', async () => {
    const { jobId, privacy } = await submitJob(h.d, buyer, attested('sleep 1; echo done'));
    expect(privacy).toEqual({ tier: 'attested', attesters: ['development'] });
    const waiting = await untilAttesting(jobId);
    expect(waiting.creation).toBeUndefined();
    const spec = launched.find((s) => s.jobId === jobId)!;
    const secret = spec.sidecarEnv!.VRACU_SIDECAR_JOB_CREDENTIAL!;
    expect(secret).toMatch(/^vj_[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored; the workload's environment never carries it.
    expect(waiting.credentialHash).toBe(hashJobCredential(secret));
    expect(JSON.stringify(waiting)).not.toContain(secret);
    expect(Object.values(spec.env)).not.toContain(secret);
    expect(credentialProblem(waiting, secret, h.env.clock.nowMs())).toBeNull();
    expect(credentialProblem(waiting, `vj_${'A'.repeat(43)}`, h.env.clock.nowMs())).toBe('wrong');
    expect(credentialProblem(waiting, undefined, h.env.clock.nowMs())).toBe('missing');
    expect(credentialProblem(waiting, secret, waiting.deadlineMs! + 1)).toBe('expired');

    const confirmed = await confirmAttested(h.d, jobId, HASH);
    expect(confirmed.ok).toBe(true);
    expect(await confirmAttested(h.d, jobId, HASH)).toEqual({ ok: false, status: 'RUNNING' });
    const job = await h.waitTerminal(jobId);
    expect(job.status).toBe('COMPLETED');
    expect(h.jobEvents(jobId).map((e) => e.detail.to)).toEqual(['PENDING', 'PROFILING', 'ALLOCATING', 'LAUNCHING', 'ATTESTING', 'RUNNING', 'COMPLETED']);
    expect(job.creation).toMatchObject({ privacyTier: 'attested', attestationHash: HASH });
    expect(job.deletion).toMatchObject({ privacyTier: 'attested', attestationHash: HASH });
    expect(verify(job, HASH)).toMatchObject({ ok: true, problems: [] });
    expect(verify(job, `sha256:${'cd'.repeat(32)}`).problems).toEqual(['creation_attestation_hash_mismatch', 'deletion_attestation_hash_mismatch']);
    // A finished job's credential is dead.
    expect(credentialProblem(job, secret, h.env.clock.nowMs())).toBe('expired');
  });

  it('a failed gate ends the job FAILED attestation_failed, its container stopped and attested, without a hash', async () => {
    const { jobId } = await submitJob(h.d, buyer, attested('sleep 30'));
    await untilAttesting(jobId);
    await failAttestation(h.d, jobId);
    const job = await h.waitTerminal(jobId);
    expect(job).toMatchObject({ status: 'FAILED', reason: 'attestation_failed' });
    expect(job.deletion).toMatchObject({ privacyTier: 'attested' });
    expect(job.creation!.attestationHash).toBeUndefined();
    expect(verify(job)).toMatchObject({ ok: true });
    expect(await confirmAttested(h.d, jobId, HASH)).toEqual({ ok: false, status: 'FAILED' });
  });

  it('jobs without privacy keep the ephemeral-container tier; their credential (for artifacts) names no attester', async () => {
    const { jobId, privacy } = await submitJob(h.d, buyer, { ...attested('echo hi'), privacy: undefined });
    expect(privacy).toBeUndefined();
    const job = await h.waitTerminal(jobId);
    expect(job.status).toBe('COMPLETED');
    expect(job.creation).toMatchObject({ privacyTier: 'ephemeral-container' });
    expect(job.deletion).toMatchObject({ privacyTier: 'ephemeral-container' });
    const env = launched.find((s) => s.jobId === jobId)!.sidecarEnv!;
    expect(job.credentialHash).toBe(hashJobCredential(env.VRACU_SIDECAR_JOB_CREDENTIAL!));
    // No attesters: the sidecar runs no handshake, and the privacy routes refuse this credential (job.privacy is absent).
    expect(env.VRACU_SIDECAR_ATTESTERS).toBeUndefined();
    expect(verify(job)).toMatchObject({ ok: true, problems: [] });
  });
});
