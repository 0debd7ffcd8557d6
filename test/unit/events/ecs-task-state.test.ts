import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEcsTaskStateChange, toContainerState, toContainerStatus, EcsTaskStatus } from '../../../events/ecs-task-state.ts';

const dir = new URL('../../../events/ecs/', import.meta.url);
const samples = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>]),
);
const sample = (name: string): Record<string, any> => structuredClone(samples[name]) as Record<string, any>;

describe('ECS Task State Change schema', () => {
  it.each(Object.keys(samples))('parses the sample %s', (name) => {
    const e = parseEcsTaskStateChange(sample(name));
    expect(e['detail-type']).toBe('ECS Task State Change');
    expect(e.detail.startedBy).toMatch(/^job_/);
  });

  it('keeps detail members it does not know (AWS adds fields)', () => {
    const raw = sample('running');
    raw.detail.someFutureField = { x: 1 };
    const e = parseEcsTaskStateChange(raw);
    expect((e.detail as Record<string, unknown>).someFutureField).toEqual({ x: 1 });
    expect((e.detail as Record<string, unknown>).attachments).toBeDefined();
  });

  it.each([
    ['detail-type', (r: any) => (r['detail-type'] = 'ECS Container Instance State Change')],
    ['source', (r: any) => (r.source = 'aws.ec2')],
    ['detail.version', (r: any) => (r.detail.version = '4')],
    ['detail.startedBy', (r: any) => delete r.detail.startedBy],
    ['detail.lastStatus', (r: any) => (r.detail.lastStatus = 'EXPLODED')],
    ['detail.containers.0.exitCode', (r: any) => (r.detail.containers[0].exitCode = 1.5)],
  ])('rejects a bad %s, naming it', (path, mutate) => {
    const raw = sample('stopped-essential-exit');
    mutate(raw);
    expect(() => parseEcsTaskStateChange(raw)).toThrow(path.split('.').pop() as string);
  });
});

describe('toContainerState', () => {
  it('maps a running task', () => {
    expect(toContainerState(parseEcsTaskStateChange(sample('running')))).toEqual({
      containerId: 'arn:aws:ecs:us-west-2:111122223333:task/vracu-jobs/c13b4cb40f1f4fe4a2971f76ae5a47ad',
      jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
      lastStatus: 'RUNNING',
      version: 4,
      createdAt: '2026-11-23T12:00:00.402Z',
      startedAt: '2026-11-23T12:00:12.103Z',
    });
  });

  it.each([
    ['stopped-essential-exit', 0, 'exited', 'EssentialContainerExited', 'Essential container in task exited'],
    ['stopped-essential-exit-failure', 1, 'exited', 'EssentialContainerExited', 'Essential container in task exited'],
    // the OOM shows only as the container's reason in ECS; it is lifted to the task's
    ['stopped-out-of-memory', 137, 'out_of_memory', 'EssentialContainerExited', 'OutOfMemory'],
    ['stopped-user-initiated', 137, 'deadline', 'UserInitiated', 'timeout'],
    ['stopped-failed-to-start', undefined, 'failed_to_start', 'TaskFailedToStart', expect.stringMatching(/^CannotPullContainerError/)],
  ])('maps %s: exit %s, cause %s, %s, %s', (name, exitCode, stopCause, stopCode, stoppedReason) => {
    const s = toContainerState(parseEcsTaskStateChange(sample(name)));
    expect(s.lastStatus).toBe('STOPPED');
    expect(s.exitCode).toBe(exitCode);
    expect(s.stopCause).toBe(stopCause);
    expect(s.stopCode).toBe(stopCode);
    expect(s.stoppedReason).toEqual(stoppedReason);
  });

  it('gives no stop cause before STOPPED, and `lost` for a stopped task without an exit code', () => {
    expect(toContainerState(parseEcsTaskStateChange(sample('running'))).stopCause).toBeUndefined();
    const raw = sample('stopped-essential-exit');
    for (const c of raw.detail.containers) delete c.exitCode;
    expect(toContainerState(parseEcsTaskStateChange(raw)).stopCause).toBe('lost');
  });

  it('maps the provisioning sample to PROVISIONING, version 1', () => {
    const s = toContainerState(parseEcsTaskStateChange(sample('provisioning')));
    expect([s.lastStatus, s.version, s.exitCode]).toEqual(['PROVISIONING', 1, undefined]);
  });

  it('folds every ECS status into one of the port five', () => {
    expect(EcsTaskStatus.options.map(toContainerStatus)).toEqual([
      'PROVISIONING',
      'PENDING',
      'PENDING',
      'RUNNING',
      'DEPROVISIONING',
      'DEPROVISIONING',
      'DEPROVISIONING',
      'STOPPED',
      'STOPPED',
    ]);
  });

  it('takes the exit code of the workload container when several report one', () => {
    const raw = sample('stopped-essential-exit-failure');
    raw.detail.containers.unshift({ name: 'log-router', lastStatus: 'STOPPED', exitCode: 0 });
    raw.detail.containers.find((c: { name: string }) => c.name === 'sidecar').exitCode = 0;
    expect(toContainerState(parseEcsTaskStateChange(raw)).exitCode).toBe(1);
  });

  it('falls back to the sidecar exit code when the workload has none', () => {
    const raw = sample('stopped-essential-exit-failure');
    delete raw.detail.containers.find((c: { name: string }) => c.name === 'workload').exitCode;
    raw.detail.containers.find((c: { name: string }) => c.name === 'sidecar').exitCode = 7;
    expect(toContainerState(parseEcsTaskStateChange(raw)).exitCode).toBe(7);
  });

  it('reads the sidecar deadline exit (124) as a timeout, unless a user stop says otherwise', () => {
    const raw = sample('stopped-essential-exit-failure');
    raw.detail.containers.find((c: { name: string }) => c.name === 'sidecar').exitCode = 124;
    raw.detail.containers.find((c: { name: string }) => c.name === 'workload').exitCode = 143;
    expect(toContainerState(parseEcsTaskStateChange(structuredClone(raw)))).toMatchObject({ exitCode: 143, stopCause: 'deadline', stoppedReason: 'timeout' });
    raw.detail.stopCode = 'UserInitiated';
    raw.detail.stoppedReason = 'cancelled';
    expect(toContainerState(parseEcsTaskStateChange(raw))).toMatchObject({ stopCause: 'stop_requested', stoppedReason: 'cancelled' });
  });
});
