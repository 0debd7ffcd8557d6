import { describe, expect, it } from 'vitest';
import { checkPolicy, gpuMinutesOf, imageAllowed, quotaShortfall, type GpuMinutes, type JobLimits } from '../../../functions/jobs/domain/policy.ts';
import { policyRejection, quotaRejection } from '../../../functions/jobs/usecases/submit.ts';
import { canMove, isTerminal, JOB_STATUSES, outcomeOfStop, TRANSITIONS } from '../../../functions/jobs/domain/lifecycle.ts';
import { AppError } from '../../../functions/platform/errors.ts';

const limits: JobLimits = {
  allowedImages: ['ghcr.io/vracu/*', 'local/sandbox'],
  maxGpus: 8,
  maxScmMinutes: 600,
  maxTimeoutMs: 3_600_000,
  maxMemoryMb: 4096,
  maxCpuUnits: 2048,
};
const profile = { numGpus: 1, minVramGb: 16, interconnect: [], scmMinutes: 60, features: [] };
const plan = { image: 'ghcr.io/vracu/train:1', command: ['x'], env: {}, volumes: [], strategy: 'single' as const, io: {}, metadata: {} };
const res = { cpuUnits: 1024, memoryMb: 2048, timeoutMs: 60_000 };

/** The first rule broken (a fact of the domain), as the API answers it: `code:field`. */
function code(violation: ReturnType<typeof checkPolicy>): string | null {
  if (!violation) return null;
  const e: AppError = policyRejection(violation);
  return `${e.code}:${(e.extra.issues as { path: string }[] | undefined)?.[0]?.path ?? ''}`;
}

describe('policy: ordered facts, first failing rule answers', () => {
  it.each([
    ['accepted', {}, {}, {}, null],
    ['image off the list', { image: 'docker.io/evil:1' }, {}, {}, 'image_not_allowed:body.spec.image'],
    ['exact image entry', { image: 'local/sandbox' }, {}, {}, null],
    ['prefix only matches as prefix', { image: 'local/sandbox2' }, {}, {}, 'image_not_allowed:body.spec.image'],
    ['too many GPUs', {}, { numGpus: 9 }, {}, 'policy_denied:body.spec.numGpus'],
    ['too many SCM minutes', {}, { scmMinutes: 601 }, {}, 'policy_denied:body.spec.scmMinutes'],
    ['runtime over the limit', {}, {}, { timeoutMs: 3_600_001 }, 'policy_denied:body.timeoutMs'],
    ['memory over the limit', {}, {}, { memoryMb: 4097 }, 'policy_denied:body.memoryMb'],
    ['CPU over the limit', {}, {}, { cpuUnits: 4096 }, 'policy_denied:body.cpuUnits'],
    ['two rules fail: the image answers first', { image: 'evil' }, { numGpus: 99 }, {}, 'image_not_allowed:body.spec.image'],
    ['two limits fail: GPUs before runtime', {}, { numGpus: 99 }, { timeoutMs: 1e9 }, 'policy_denied:body.spec.numGpus'],
  ])('%s', (_n, planPatch, profilePatch, resPatch, expected) => {
    expect(code(checkPolicy({ ...profile, ...profilePatch }, { ...plan, ...planPatch }, { ...res, ...resPatch }, limits))).toBe(expected);
  });

  it('image allow-list entries: exact or prefix*', () => {
    expect(imageAllowed('ghcr.io/vracu/x', ['ghcr.io/vracu/*'])).toBe(true);
    expect(imageAllowed('ghcr.io/vracux', ['ghcr.io/vracu/*'])).toBe(false);
  });

  it('the quota weight is GPU-minutes, a CPU-only job counting one GPU', () => {
    expect(gpuMinutesOf({ ...profile, numGpus: 4, scmMinutes: 30 })).toBe(120);
    expect(gpuMinutesOf({ ...profile, numGpus: 0, scmMinutes: 30 })).toBe(30);
  });

  it.each([
    [{ jobs: 4, gpuMinutes: 0 }, 10, 'activeJobs'],
    [{ jobs: 0, gpuMinutes: 95 }, 10, 'activeGpuMinutes'],
    [{ jobs: 4, gpuMinutes: 95 }, 10, 'activeJobs'],
    [{ jobs: 3, gpuMinutes: 90 }, 10, null],
  ])('quota %j + %d GPU-minutes → %s', (active, add, which) => {
    const short = quotaShortfall(active, add as GpuMinutes, { maxActiveJobs: 4, maxActiveGpuMinutes: 100 });
    expect(short?.quota ?? null).toBe(which);
    if (short) expect(quotaRejection(short)).toMatchObject({ code: 'quota_exceeded', status: 409, extra: { quota: which } });
  });
});

describe('lifecycle', () => {
  it('terminal states have no way out; every other state can abort', () => {
    for (const s of JOB_STATUSES) {
      if (isTerminal(s)) expect(TRANSITIONS[s]).toEqual([]);
      else expect(canMove(s, 'ABORTED')).toBe(true);
    }
  });
  it('RUNNING is reached only from LAUNCHING or ATTESTING, ATTESTING only from LAUNCHING, LAUNCHING only from ALLOCATING or QUEUED', () => {
    expect(JOB_STATUSES.filter((s) => canMove(s, 'RUNNING'))).toEqual(['LAUNCHING', 'ATTESTING']);
    expect(JOB_STATUSES.filter((s) => canMove(s, 'ATTESTING'))).toEqual(['LAUNCHING']);
    expect(JOB_STATUSES.filter((s) => canMove(s, 'LAUNCHING'))).toEqual(['ALLOCATING', 'QUEUED']);
  });
  it.each([
    [{ exitCode: 0, stopCause: 'exited' }, undefined, 'COMPLETED', undefined],
    [{ exitCode: 0, stopCause: 'exited' }, 'cancelled', 'ABORTED', 'cancelled'],
    [{ exitCode: 0, stopCause: 'exited' }, 'attestation_failed', 'FAILED', 'attestation_failed'],
    [{ exitCode: 143, stopCause: 'stop_requested' }, 'revoked_session', 'ABORTED', 'revoked_session'],
    [{ exitCode: 1, stopCause: 'exited' }, undefined, 'FAILED', 'nonzero_exit'],
    [{ exitCode: 137, stopCause: 'out_of_memory' }, undefined, 'FAILED', 'oom_killed'],
    [{ exitCode: 137, stopCause: 'exited' }, undefined, 'FAILED', 'oom_killed'],
    [{ exitCode: 137, stopCause: 'deadline' }, undefined, 'ABORTED', 'timeout'],
    [{ exitCode: 143, stopCause: 'deadline' }, undefined, 'ABORTED', 'timeout'],
    [{ exitCode: 143, stopCause: 'deadline' }, 'cancelled', 'ABORTED', 'cancelled'],
    [{ exitCode: 143, stopCause: 'stop_requested' }, undefined, 'FAILED', 'nonzero_exit'],
    [{ exitCode: null, stopCause: 'failed_to_start' }, undefined, 'FAILED', 'container_lost'],
    [{ exitCode: null, stopCause: 'lost' }, undefined, 'FAILED', 'container_lost'],
    [{ exitCode: null }, undefined, 'FAILED', 'container_lost'],
  ])('stop %j (abort %s) → %s', (stop, abort, status, reason) => {
    expect(outcomeOfStop(stop as Parameters<typeof outcomeOfStop>[0], abort)).toEqual({ status, ...(reason ? { reason } : {}) });
  });
});
