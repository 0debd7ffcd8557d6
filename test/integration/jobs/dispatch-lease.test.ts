/**
 * One dispatcher walks the queue at a time (functions/jobs/store/dispatch-lease.ts): the
 * lease's moves on DynamoDB Local, and dispatchers started together placing each queued job
 * once instead of all placing the head.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { submitJob } from '../../../functions/jobs/usecases/submit.ts';
import { dispatch } from '../../../functions/jobs/usecases/pool.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { poolActive } from '../../../functions/jobs/store/agent-store.ts';
import { acquireOrMark, dropLease, releaseLease, renewLease } from '../../../functions/jobs/store/dispatch-lease.ts';
import { jobsHarness, type Harness } from './harness.ts';

const buyer: Principal = { id: 'prn_buyer', tenant: 'tenant-a', roles: ['buyer'], keyId: 'key_1' };
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('dispatch lease', () => {
  it('a second dispatcher marks the lease; the holder is told to walk again, then lets go', async () => {
    h = await jobsHarness({ agents: 0 });
    const s = h.d.store;
    const now = h.env.clock.nowMs();
    expect(await acquireOrMark(s, 'dsp_a', now, 1000)).toBe('held');
    expect(await acquireOrMark(s, 'dsp_b', now, 1000)).toBe('marked');
    expect(await acquireOrMark(s, 'dsp_c', now, 1000)).toBe('marked');
    // Two marks, one more walk: the mark is a flag, not a count.
    expect(await releaseLease(s, 'dsp_a', now + 1000)).toBe('again');
    expect(await releaseLease(s, 'dsp_a', now + 1000)).toBe('released');
    expect(await acquireOrMark(s, 'dsp_b', now, 1000)).toBe('held');
    expect(await releaseLease(s, 'dsp_b', now + 1000)).toBe('released');
  });

  it('a dead holder’s lease runs out: the next dispatcher takes it and the old holder can neither renew nor release it', async () => {
    h = await jobsHarness({ agents: 0 });
    const s = h.d.store;
    const now = h.env.clock.nowMs();
    expect(await acquireOrMark(s, 'dsp_dead', now, 1000)).toBe('held');
    expect(await acquireOrMark(s, 'dsp_next', now + 999, 1000)).toBe('marked');
    expect(await acquireOrMark(s, 'dsp_next', now + 1001, 1000)).toBe('held');
    expect(await renewLease(s, 'dsp_dead', now + 5000)).toBe(false);
    expect(await releaseLease(s, 'dsp_dead', now + 5000)).toBe('lost');
    expect(await dropLease(s, 'dsp_dead')).toBe(false);
    // Taking a lease clears a mark left for the dead holder; a failed walk drops mark and lease.
    expect(await acquireOrMark(s, 'dsp_other', now + 1001, 1000)).toBe('marked');
    expect(await dropLease(s, 'dsp_next')).toBe(true);
    expect(await acquireOrMark(s, 'dsp_other', now + 1001, 1000)).toBe('held');
    expect(await releaseLease(s, 'dsp_other', now + 5000)).toBe('released');
  });

  it('while another holds the lease, dispatch claims nothing and leaves the mark that makes the holder walk again', async () => {
    h = await jobsHarness({ agents: 0 });
    const s = h.d.store;
    const { jobId } = await submitJob(h.d, buyer, {
      adapter: 'render',
      spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] },
      memoryMb: 128,
    });
    await h.pumpUntil(async () => (await getJob(s, jobId))!.status === 'QUEUED');
    while ((await h.take('jobSteps')).length > 0);
    await h.addAgent(1);
    const now = h.env.clock.nowMs();
    expect(await acquireOrMark(s, 'dsp_other', now, 60_000)).toBe('held');
    expect(await dispatch(h.d)).toBe(0);
    expect((await getJob(s, jobId))!.status).toBe('QUEUED');
    expect(await releaseLease(s, 'dsp_other', now + 60_000)).toBe('again');
    expect(await releaseLease(s, 'dsp_other', now + 60_000)).toBe('released');
    expect(await dispatch(h.d)).toBe(1);
    expect((await h.waitTerminal(jobId)).status).toBe('COMPLETED');
  });

  it('four dispatchers started together over 9 queued jobs and 9 free agents: each job placed once and claimed once', async () => {
    h = await jobsHarness({ agents: 0, config: { quota: { maxActiveJobs: 1000, maxActiveGpuMinutes: 1_000_000 } } });
    const submitted: string[] = [];
    for (let i = 0; i < 9; i++)
      submitted.push(
        (await submitJob(h.d, buyer, { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] }, memoryMb: 128 })).jobId,
      );
    const statuses = async () => (await Promise.all(submitted.map((id) => getJob(h!.d.store, id)))).map((j) => j!.status);
    await h.pumpUntil(async () => (await statuses()).every((st) => st === 'QUEUED'));
    // Queued dispatch steps would dispatch on their own: take them off so only the four below run.
    while ((await h.take('jobSteps')).length > 0);
    for (let i = 1; i <= 9; i++) await h.addAgent(i);
    const placed: string[] = [];
    const place = h.d.placer.place.bind(h.d.placer);
    h.d.placer.place = (r) => (placed.push(r.jobId), place(r));
    const started = await Promise.all([dispatch(h.d), dispatch(h.d), dispatch(h.d), dispatch(h.d)]);
    expect(started.reduce((a, b) => a + b, 0)).toBe(9);
    expect([...placed].sort()).toEqual([...submitted].sort());
    expect(await poolActive(h.d.store)).toBe(9);
    await h.pumpUntil(async () => (await statuses()).every((st) => st === 'COMPLETED'), { timeoutMs: 30_000 });
  });
});
