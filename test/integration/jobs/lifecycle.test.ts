/**
 * The job lifecycle on DynamoDB Local, the SQS server and the real local sandbox: every
 * container leaves a creation and a deletion attestation that verify with the agent's
 * public key, and every job ends in exactly one terminal state.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { submitJob, type SubmitInput } from '../../../functions/jobs/usecases/submit.ts';
import { cancelJob } from '../../../functions/jobs/usecases/abort.ts';
import { verifyAttestations } from '../../../functions/jobs/domain/verify.ts';
import { jobDocument, type Job } from '../../../functions/jobs/domain/job.ts';
import { jobHash } from '../../../functions/jobs/domain/attestation.ts';
import { getJob, tenantUsage } from '../../../functions/jobs/store/job-store.ts';
import { listAgents, poolActive } from '../../../functions/jobs/store/agent-store.ts';
import { jobsHarness, type Harness } from './harness.ts';
import stoppedFixture from '../../../events/ecs/stopped-essential-exit.json' with { type: 'json' };

const buyer: Principal = { id: 'prn_buyer', tenant: 'tenant-a', roles: ['buyer'], keyId: 'key_1' };
const shell = (script: string, extra: Partial<SubmitInput> = {}): SubmitInput => ({
  adapter: 'render',
  spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', script] },
  timeoutMs: 20_000,
  memoryMb: 256,
  ...extra,
});

let h: Harness;
beforeEach(async () => {
  h = await jobsHarness();
});
afterEach(async () => {
  await h.close();
});

function verify(job: Job) {
  const agent = h.agents.find((a) => a.name === job.agentId)!;
  return verifyAttestations({
    creation: job.creation,
    deletion: job.deletion,
    publicKeyHex: agent.publicKey,
    expected: { jobId: job.jobId, jobHash: jobHash(jobDocument(job)), containerId: job.containerId!, identity: agent.identity },
  });
}

/** Makes the named fault point throw once (a crash there); returns how many crashes happened. */
async function crashOnceAt(point: string): Promise<() => number> {
  let crashes = 0;
  h.setFault((p) => {
    if (p === point && crashes === 0) {
      crashes++;
      throw new Error(`injected crash at ${p}`);
    }
  });
  return () => crashes;
}

const terminalEvents = (jobId: string) => h.jobEvents(jobId).filter((e) => ['COMPLETED', 'FAILED', 'ABORTED'].includes(String(e.detail.to)));

describe('lifecycle on the real local sandbox', () => {
  it('PENDING → PROFILING → ALLOCATING → LAUNCHING → RUNNING → COMPLETED with verifiable attestations', async () => {
    const submitted = await submitJob(h.d, buyer, shell('echo hello; sleep 0.2'));
    expect(submitted.status).toBe('PENDING');
    const job = await h.waitTerminal(submitted.jobId);
    expect(job.status).toBe('COMPLETED');
    expect(job.exitCode).toBe(0);
    expect(h.jobEvents(job.jobId).map((e) => e.detail.to)).toEqual(['PENDING', 'PROFILING', 'ALLOCATING', 'LAUNCHING', 'RUNNING', 'COMPLETED']);
    expect(verify(job)).toMatchObject({ ok: true, problems: [] });
    expect(job.creation!.agentId).toBe(job.agentId);
    expect(job.deletion!.dataVolumes).toEqual(h.driver.dataVolumes);
    expect(job.deletion!.deletionMethod).toBe(h.driver.deletionMethod);
    // Everything given back: the agent, the pool slot, the tenant's quota.
    expect(await poolActive(h.d.store)).toBe(0);
    expect((await listAgents(h.d.store)).every((a) => !a.jobId)).toBe(true);
    expect(await tenantUsage(h.d.store, buyer.tenant)).toEqual({ jobs: 0, gpuMinutes: 0 });
  });

  it('a non-zero exit → FAILED, with a deletion attestation', async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('exit 3'));
    const job = await h.waitTerminal(jobId);
    expect(job).toMatchObject({ status: 'FAILED', reason: 'nonzero_exit', exitCode: 3 });
    expect(verify(job).ok).toBe(true);
  });

  it('a workload over its time → ABORTED (timeout), with a deletion attestation', async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('sleep 30', { timeoutMs: 1500 }));
    const job = await h.waitTerminal(jobId);
    expect(job).toMatchObject({ status: 'ABORTED', reason: 'timeout' });
    expect(job.deletion!.stopReason).toMatch(/timeout/);
    expect(verify(job).ok).toBe(true);
  });

  it('a workload over its memory → FAILED, with a deletion attestation', async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('head -c 400m /dev/zero | tail > /dev/null', { memoryMb: 64 }));
    const job = await h.waitTerminal(jobId);
    expect(job.status).toBe('FAILED');
    expect(job.exitCode).not.toBe(0);
    expect(verify(job).ok).toBe(true);
  });

  it('cancel while running stops the container → ABORTED (cancelled), with a deletion attestation', async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('sleep 30'));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
    const during = await cancelJob(h.d, (await getJob(h.d.store, jobId))!);
    expect(during.abortReason).toBe('cancelled');
    const job = await h.waitTerminal(jobId);
    expect(job).toMatchObject({ status: 'ABORTED', reason: 'cancelled' });
    expect(verify(job).ok).toBe(true);
    await expect(cancelJob(h.d, job)).rejects.toMatchObject({ code: 'job_not_cancellable' });
  });

  it('a launch that cannot start (missing executable) → FAILED with both attestations: the task existed', async () => {
    const { jobId } = await submitJob(h.d, buyer, { ...shell(''), spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['no-such-binary-here'] } });
    const job = await h.waitTerminal(jobId);
    expect(job.status).toBe('FAILED');
    expect(verify(job).ok).toBe(true);
  });
});

describe('duplicate and reordered task events', () => {
  it('events delivered newest first still end the job once; replays change nothing', async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('sleep 0.1'));
    // Run the steps only; hold the task events until the container has stopped.
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'LAUNCHING' && Boolean((await getJob(h.d.store, jobId))!.containerId), {
      only: ['jobSteps'],
    });
    const containerId = (await getJob(h.d.store, jobId))!.containerId!;
    await h.driver.waitStopped(containerId);
    const held = [];
    for (let i = 0; i < 5 && held.length < 3; i++) held.push(...(await h.take('taskEvents')));
    const envelopes = held.map((m) => JSON.parse(m.Body!) as { detail: { version: number; lastStatus: string } });
    expect(envelopes.map((e) => e.detail.lastStatus).sort()).toEqual(['PENDING', 'RUNNING', 'STOPPED']);
    const newestFirst = [...envelopes].sort((a, b) => b.detail.version - a.detail.version);
    await h.deliver('taskEvents', [newestFirst[0]]);
    const ended = (await getJob(h.d.store, jobId))!;
    expect(ended.status).toBe('COMPLETED');
    expect(verify(ended).ok).toBe(true);
    // The late RUNNING and PENDING, then every event again, twice.
    await h.deliver('taskEvents', newestFirst.slice(1));
    await h.deliver('taskEvents', [...envelopes, ...envelopes]);
    const after = (await getJob(h.d.store, jobId))!;
    expect(after.status).toBe('COMPLETED');
    expect(after.deletion!.signature).toBe(ended.deletion!.signature);
    expect(after.updatedAtMs).toBe(ended.updatedAtMs);
    expect(terminalEvents(jobId)).toHaveLength(1);
    expect(await poolActive(h.d.store)).toBe(0);
  });

  it("a STOPPED event with the sidecar's deadline exit (124) ends the job ABORTED (timeout), not FAILED (nonzero_exit)", async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('sleep 30'));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
    const containerId = (await getJob(h.d.store, jobId))!.containerId!;
    // ECS's event when the essential sidecar ended the task at the job's deadline: the sidecar
    // exits 124, the workload it stopped exits 143 (SIGTERM).
    const event = structuredClone(stoppedFixture);
    Object.assign(event.detail, { taskArn: containerId, startedBy: jobId, version: 1000 });
    event.detail.containers = event.detail.containers.map((c) => ({ ...c, taskArn: containerId, exitCode: c.name === 'sidecar' ? 124 : 143 }));
    const res = await h.deliver('taskEvents', [event]);
    expect(res.batchItemFailures).toEqual([]);
    const job = (await getJob(h.d.store, jobId))!;
    expect(job).toMatchObject({ status: 'ABORTED', reason: 'timeout', exitCode: 143 });
    expect(verify(job).ok).toBe(true);
    await h.driver.stop(containerId, 'test cleanup');
  });

  it('duplicate step messages do nothing', async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('true'));
    const job = await h.waitTerminal(jobId);
    const res = await h.deliver('jobSteps', [
      { kind: 'advance', jobId, from: 'PENDING' },
      { kind: 'advance', jobId, from: 'ALLOCATING' },
      { kind: 'advance', jobId, from: 'LAUNCHING' },
      { kind: 'dispatch' },
    ]);
    expect(res.batchItemFailures).toEqual([]);
    expect((await getJob(h.d.store, jobId))!.updatedAtMs).toBe(job.updatedAtMs);
    expect(terminalEvents(jobId)).toHaveLength(1);
  });
});

describe('fault injection: killed between a state write and its event', () => {
  const EXPECTED = ['null→PENDING', 'PENDING→PROFILING', 'PROFILING→ALLOCATING', 'ALLOCATING→LAUNCHING', 'LAUNCHING→RUNNING', 'RUNNING→COMPLETED'];
  it.each(['publish:PROFILING', 'publish:RUNNING', 'publish:COMPLETED'])(
    'crash at %s → the event stays staged, the sweep publishes it: every change reported exactly once',
    async (point) => {
      const crashes = await crashOnceAt(point);
      const { sweep } = await import('../../../functions/jobs/usecases/sweep.ts');
      const { staleOutbox } = await import('../../../functions/jobs/store/outbox-store.ts');
      const { jobId } = await submitJob(h.d, buyer, shell('true', { timeoutMs: 600_000 }));
      const to = point.slice('publish:'.length);
      // Run until the crash has happened and nothing else moves.
      await h.pumpUntil(async () => crashes() === 1 && (await h.pumpOnce()) === 0);
      expect(h.jobEvents(jobId).filter((e) => e.detail.to === to)).toEqual([]);
      const staged = await staleOutbox(h.d.store, Number.MAX_SAFE_INTEGER);
      expect(staged.map((e) => `${e.detail.from}→${e.detail.to}`)).toEqual([
        `${to === 'PROFILING' ? 'PENDING' : to === 'RUNNING' ? 'LAUNCHING' : 'RUNNING'}→${to}`,
      ]);
      // Too fresh for the sweep: its writer may still be publishing.
      expect((await sweep(h.d)).republished).toEqual([]);
      h.env.clock.advance(h.d.cfg.staleStepMs + 1);
      expect((await sweep(h.d)).republished).toEqual([staged[0]!.id]);
      const job = await h.waitTerminal(jobId);
      expect(job.status).toBe('COMPLETED');
      const seen = h.jobEvents(jobId).map((e) => `${e.detail.from}→${e.detail.to}`);
      expect([...seen].sort()).toEqual([...EXPECTED].sort());
      expect(new Set(h.jobEvents(jobId).map((e) => e.detail.eventId)).size).toBe(EXPECTED.length);
      expect(await staleOutbox(h.d.store, Number.MAX_SAFE_INTEGER)).toEqual([]);
    },
  );
});

describe('fault injection: the step consumer killed between two steps', () => {
  it.each(['after:PROFILING', 'after:ALLOCATING', 'after:LAUNCHING'])('crash %s → the sweep re-sends the step → exactly one terminal state', async (point) => {
    const crashes = await crashOnceAt(point);
    const { jobId } = await submitJob(h.d, buyer, shell('true', { timeoutMs: 600_000 }));
    // The crashed message is not deleted; it would come back after the visibility timeout.
    await h.pumpUntil(async () => crashes() === 1 && (await h.pumpOnce()) === 0);
    const stuck = (await getJob(h.d.store, jobId))!;
    expect(stuck.status).toBe(point.slice(6));
    const { sweep } = await import('../../../functions/jobs/usecases/sweep.ts');
    expect((await sweep(h.d)).resent).toEqual([]);
    h.env.clock.advance(h.d.cfg.staleStepMs + 1);
    expect((await sweep(h.d)).resent).toEqual([jobId]);
    const job = await h.waitTerminal(jobId);
    expect(job.status).toBe('COMPLETED');
    expect(verify(job).ok).toBe(true);
    // The original message, redelivered late, changes nothing.
    await h.deliver('jobSteps', [
      { kind: 'advance', jobId, from: 'PENDING' },
      { kind: 'advance', jobId, from: stuck.status },
    ]);
    expect(terminalEvents(jobId)).toHaveLength(1);
    expect(await poolActive(h.d.store)).toBe(0);
  });

  it('crash after claiming the launch, before the container starts → FAILED (launch_failed), agent released', async () => {
    h.setFault((p) => {
      if (p === 'before-launch') throw new Error('injected crash before launch');
    });
    const { jobId } = await submitJob(h.d, buyer, shell('true', { timeoutMs: 600_000 }));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.launchStartedAtMs !== undefined && (await h.pumpOnce()) === 0);
    h.setFault(undefined);
    expect(await poolActive(h.d.store)).toBe(1);
    h.env.clock.advance(h.d.cfg.staleStepMs + 1);
    const { sweep } = await import('../../../functions/jobs/usecases/sweep.ts');
    await sweep(h.d);
    const job = await h.waitTerminal(jobId);
    expect(job).toMatchObject({ status: 'FAILED', reason: 'launch_failed' });
    expect(job.creation).toBeUndefined();
    expect(await poolActive(h.d.store)).toBe(0);
    expect(terminalEvents(jobId)).toHaveLength(1);
  });

  it('crash after the container started but before it was recorded: task events still attest and end it', async () => {
    let once = false;
    h.setFault((p) => {
      if (p === 'after-launch' && !once) {
        once = true;
        throw new Error('injected crash after launch');
      }
    });
    const { jobId } = await submitJob(h.d, buyer, shell('sleep 0.2'));
    const job = await h.waitTerminal(jobId);
    expect(job.status).toBe('COMPLETED');
    expect(verify(job).ok).toBe(true);
    expect(terminalEvents(jobId)).toHaveLength(1);
  });

  it('crash before launch and past the deadline → the sweep ends it ABORTED (timeout) without a container', async () => {
    h.setFault((p) => {
      if (p === 'before-launch') throw new Error('injected crash before launch');
    });
    const { jobId } = await submitJob(h.d, buyer, shell('true', { timeoutMs: 5_000 }));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.launchStartedAtMs !== undefined && (await h.pumpOnce()) === 0);
    h.setFault(undefined);
    h.env.clock.advance(h.d.cfg.staleStepMs + 1);
    const { sweep } = await import('../../../functions/jobs/usecases/sweep.ts');
    expect((await sweep(h.d)).timedOut).toEqual([jobId]);
    const job = (await getJob(h.d.store, jobId))!;
    expect(job).toMatchObject({ status: 'ABORTED', reason: 'timeout' });
    expect(await poolActive(h.d.store)).toBe(0);
    expect(terminalEvents(jobId)).toHaveLength(1);
  });

  it('a job past its deadline whose container never reports is aborted by the sweep; the lease comes back', async () => {
    const { jobId } = await submitJob(h.d, buyer, shell('sleep 30', { timeoutMs: 5_000 }));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
    // Time passes on the exchange's clock; the container's own timer has not fired yet.
    h.env.clock.advance(5_001);
    const { sweep } = await import('../../../functions/jobs/usecases/sweep.ts');
    expect((await sweep(h.d)).timedOut).toEqual([jobId]);
    const job = await h.waitTerminal(jobId);
    expect(job).toMatchObject({ status: 'ABORTED', reason: 'timeout' });
    expect(verify(job).ok).toBe(true);
    expect(await poolActive(h.d.store)).toBe(0);
  });
});
