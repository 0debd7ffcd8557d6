/**
 * The agent pool: at most MAX_AGENTS containers at once, one per agent; the rest wait
 * QUEUED (never refused) and start in arrival order as agents free.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { submitJob } from '../../../functions/jobs/usecases/submit.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { listAgents, poolActive } from '../../../functions/jobs/store/agent-store.ts';
import { isTerminal } from '../../../functions/jobs/domain/lifecycle.ts';
import { jobsHarness, type Harness } from './harness.ts';

const buyer: Principal = { id: 'prn_buyer', tenant: 'tenant-a', roles: ['buyer'], keyId: 'key_1' };
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function runPool(agents: number, maxAgents: number, jobs: number) {
  h = await jobsHarness({ agents, maxAgents, config: { quota: { maxActiveJobs: 1000, maxActiveGpuMinutes: 1_000_000 } } });
  const live = new Set<string>();
  const agentOf = new Map<string, string>();
  let maxLive = 0;
  let sharedAgent = false;
  h.bus.subscribe((e) => {
    if (e['detail-type'] !== 'ECS Task State Change') return;
    const arn = String(e.detail.taskArn);
    if (e.detail.lastStatus === 'STOPPED') live.delete(arn);
    else live.add(arn);
    maxLive = Math.max(maxLive, live.size);
  });
  let maxPool = 0;
  const ids: string[] = [];
  for (let i = 0; i < jobs; i++)
    ids.push(
      (
        await submitJob(h.d, buyer, {
          adapter: 'render',
          spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', 'sleep 0.3'] },
          memoryMb: 128,
        })
      ).jobId,
    );
  await h.pumpUntil(
    async () => {
      maxPool = Math.max(maxPool, await poolActive(h!.d.store));
      const busy = (await listAgents(h!.d.store)).filter((a) => a.jobId);
      for (const a of busy) {
        const prev = agentOf.get(a.jobId!);
        if (prev && prev !== a.name) sharedAgent = true;
        agentOf.set(a.jobId!, a.name);
      }
      if (new Set(busy.map((a) => a.name)).size !== busy.length) sharedAgent = true;
      const all = await Promise.all(ids.map((id) => getJob(h!.d.store, id)));
      return all.every((j) => j && isTerminal(j.status));
    },
    { timeoutMs: 60_000 },
  );
  const finals = await Promise.all(ids.map((id) => getJob(h!.d.store, id)));
  const fromQueue = h.bus.events
    .filter((e) => e['detail-type'] === 'Job State Changed' && e.detail.from === 'QUEUED' && e.detail.to === 'LAUNCHING')
    .map((e) => String(e.detail.jobId));
  return { finals, maxLive, maxPool, sharedAgent, fromQueue, queued: h.bus.events.filter((e) => e.detail.to === 'QUEUED').length };
}

describe('agent pool', () => {
  it('20 jobs through 9 agents: never more than 9 containers, all complete, queued ones start in arrival order', async () => {
    const r = await runPool(9, 9, 20);
    expect(r.finals.map((j) => j!.status)).toEqual(Array(20).fill('COMPLETED'));
    expect(r.maxLive).toBeLessThanOrEqual(9);
    expect(r.maxLive).toBeGreaterThan(1);
    expect(r.maxPool).toBeLessThanOrEqual(9);
    expect(r.sharedAgent).toBe(false);
    expect(r.queued).toBeGreaterThan(0);
    expect(r.fromQueue).toEqual([...r.fromQueue].sort());
    expect(await poolActive(h!.d.store)).toBe(0);
  });

  it('MAX_AGENTS below the number of agents caps concurrency at MAX_AGENTS', async () => {
    const r = await runPool(9, 3, 8);
    expect(r.finals.every((j) => j!.status === 'COMPLETED')).toBe(true);
    expect(r.maxLive).toBeLessThanOrEqual(3);
    expect(r.maxPool).toBeLessThanOrEqual(3);
  });

  it('with no agent registered jobs wait QUEUED, never refused, and start once one registers', async () => {
    h = await jobsHarness({ agents: 0 });
    const { jobId } = await submitJob(h.d, buyer, { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] } });
    await h.pumpUntil(async () => (await getJob(h!.d.store, jobId))!.status === 'QUEUED' && (await h!.pumpOnce()) === 0);
    expect((await getJob(h.d.store, jobId))!.status).toBe('QUEUED');
    await h.addAgent(1);
    const { sweep } = await import('../../../functions/jobs/usecases/sweep.ts');
    expect((await sweep(h.d)).dispatched).toBe(true);
    expect((await h.waitTerminal(jobId)).status).toBe('COMPLETED');
  });

  it('a launch failure inside dispatch does not nest a second dispatch: the same loop goes on to the next queued job', async () => {
    h = await jobsHarness({ agents: 0, maxAgents: 1, config: { quota: { maxActiveJobs: 1000, maxActiveGpuMinutes: 1_000_000 } } });
    let depth = 0;
    let deepest = 0;
    let dispatches = 0;
    h!.setFault((p) => {
      if (p === 'dispatch:enter') {
        dispatches++;
        deepest = Math.max(deepest, ++depth);
      } else if (p === 'dispatch:exit') depth--;
    });
    const job = (numGpus: number) =>
      submitJob(h!.d, buyer, { adapter: 'render', spec: { frames: 1, numGpus, image: 'local/sandbox', command: ['true'] }, memoryMb: 128 });
    // No agent yet: all three queue. The sandbox has no GPUs, so a GPU job's launch fails for
    // real (capacity_unavailable) after it claimed the agent.
    const jobs = [await job(1), await job(1), await job(0)];
    const states = async () => (await Promise.all(jobs.map((j) => getJob(h!.d.store, j.jobId)))).map((j) => j!.status);
    await h.pumpUntil(async () => (await states()).every((s) => s === 'QUEUED'));
    await h.addAgent(1);
    const res = await h.deliver('jobSteps', [{ kind: 'dispatch' }]);
    expect(res.batchItemFailures).toEqual([]);
    expect(dispatches).toBe(1);
    expect(deepest).toBe(1);
    await h.pumpUntil(async () => (await states()).every((s) => isTerminal(s)));
    for (const j of jobs.slice(0, 2)) expect(await getJob(h.d.store, j.jobId)).toMatchObject({ status: 'FAILED', reason: 'launch_failed' });
    expect((await getJob(h.d.store, jobs[2]!.jobId))!.status).toBe('COMPLETED');
    expect(deepest).toBe(1);
    expect(await poolActive(h.d.store)).toBe(0);
  });
});
