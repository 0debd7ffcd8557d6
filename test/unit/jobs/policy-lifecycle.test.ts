import { describe, expect, it } from 'vitest';
import { checkPolicy, imageAllowed, quotaError, scuOf, type JobLimits } from '../../../functions/jobs/domain/policy.ts';
import { canMove, isTerminal, JOB_STATUSES, outcomeOfStop, TRANSITIONS } from '../../../functions/jobs/domain/lifecycle.ts';
import { AppError } from '../../../functions/platform/errors.ts';

const limits: JobLimits = { allowedImages: ['ghcr.io/vracu/*', 'local/sandbox'], maxGpus: 8, maxScmMinutes: 600, maxTimeoutMs: 3_600_000, maxMemoryMb: 4096, maxCpuUnits: 2048 };
const profile = { numGpus: 1, minVramGb: 16, interconnect: [], scmMinutes: 60, features: [] };
const plan = { image: 'ghcr.io/vracu/train:1', command: ['x'], env: {}, volumes: [], strategy: 'single' as const, io: {}, metadata: {} };
const res = { cpuUnits: 1024, memoryMb: 2048, timeoutMs: 60_000 };

function code(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof AppError ? `${e.code}:${(e.extra.issues as { path: string }[] | undefined)?.[0]?.path ?? ''}` : 'other';
  }
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
    expect(code(() => checkPolicy({ ...profile, ...profilePatch }, { ...plan, ...planPatch }, { ...res, ...resPatch }, limits))).toBe(expected);
  });

  it('image allow-list entries: exact or prefix*', () => {
    expect(imageAllowed('ghcr.io/vracu/x', ['ghcr.io/vracu/*'])).toBe(true);
    expect(imageAllowed('ghcr.io/vracux', ['ghcr.io/vracu/*'])).toBe(false);
  });

  it('SCU are GPU-minutes, a CPU-only job counting one GPU', () => {
    expect(scuOf({ ...profile, numGpus: 4, scmMinutes: 30 })).toBe(120);
    expect(scuOf({ ...profile, numGpus: 0, scmMinutes: 30 })).toBe(30);
  });

  it.each([
    [{ jobs: 4, scu: 0 }, 10, 'activeJobs'],
    [{ jobs: 0, scu: 95 }, 10, 'activeScu'],
    [{ jobs: 4, scu: 95 }, 10, 'activeJobs'],
    [{ jobs: 3, scu: 90 }, 10, null],
  ])('quota %j + %d SCU → %s', (active, add, which) => {
    const e = quotaError(active, add, { maxActiveJobs: 4, maxActiveScu: 100 });
    expect(e?.extra.quota ?? null).toBe(which);
    if (e) expect(e.status).toBe(409);
  });
});

describe('lifecycle', () => {
  it('terminal states have no way out; every other state can abort', () => {
    for (const s of JOB_STATUSES) {
      if (isTerminal(s)) expect(TRANSITIONS[s]).toEqual([]);
      else expect(canMove(s, 'ABORTED')).toBe(true);
    }
  });
  it('RUNNING is reached only from LAUNCHING, LAUNCHING only from ALLOCATING or QUEUED', () => {
    expect(JOB_STATUSES.filter((s) => canMove(s, 'RUNNING'))).toEqual(['LAUNCHING']);
    expect(JOB_STATUSES.filter((s) => canMove(s, 'LAUNCHING'))).toEqual(['ALLOCATING', 'QUEUED']);
  });
  it.each([
    [{ exitCode: 0, stopCause: 'exited' }, undefined, 'COMPLETED', undefined],
    [{ exitCode: 0, stopCause: 'exited' }, 'cancelled', 'ABORTED', 'cancelled'],
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
