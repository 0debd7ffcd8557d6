/**
 * The job steps. A step message names the status it expects; if the job has moved on, the
 * message is a duplicate or late and does nothing. Each step is one conditional move
 * (published as an event); a message carries the job through the steps that need no
 * waiting (PENDING → PROFILING → ALLOCATING → LAUNCHING → launch) one conditional write at
 * a time, and stops where the job waits: QUEUED for an agent, or the container's events.
 * A dispatch (an agent freed) claims and launches the oldest queued jobs the same way.
 * Normal flow never relies on a redelivery. A crash between two steps leaves the job in a
 * stepped status; the timeout sweep re-sends that step as a new message.
 */
import { canonicalize } from '../../platform/canonical-json.ts';
import type { Agent, Job } from '../domain/job.ts';
import type { JobStatus } from '../domain/lifecycle.ts';
import { loadAdapter } from '../adapters/registry.ts';
import { listAgents } from '../store/agent-store.ts';
import { getJob, patchJob, queuedJobs, transition } from '../store/job-store.ts';
import type { LaunchSpec } from '../drivers/driver.ts';
import type { JobsDeps } from './deps.ts';
import { finishWithoutContainer } from './finish.ts';
import { agentOf } from './attest.ts';
import { jobEvent, publishStaged, sendSteps, type StepMessage } from './notify.ts';

/** How long after its deadline an agent's lease runs out (the sweep reclaims it then). */
export const LEASE_GRACE_MS = 120_000;

export async function handleStep(d: JobsDeps, msg: StepMessage): Promise<string> {
  if (msg.kind === 'dispatch') return `dispatched ${await dispatch(d)}`;
  let job = await getJob(d.store, msg.jobId);
  if (!job) return 'unknown job';
  if (job.status !== msg.from) return `stale (job is ${job.status})`;
  const trail: string[] = [];
  // Continue while a step moved the job to another stepped status it can take at once.
  for (let i = 0; i < 5; i++) {
    const from = job.status;
    const outcome = await stepOnce(d, job);
    trail.push(outcome);
    if (outcome !== 'PROFILING' && outcome !== 'ALLOCATING' && outcome !== 'LAUNCHING') break;
    const next = await getJob(d.store, job.jobId);
    if (!next || next.status === from || next.status !== outcome) break;
    job = next;
  }
  return trail.join(' → ');
}

function stepOnce(d: JobsDeps, job: Job): Promise<string> {
  switch (job.status) {
    case 'PENDING':
      return simpleMove(d, job, 'PENDING', 'PROFILING');
    case 'PROFILING':
      return profile(d, job);
    case 'ALLOCATING':
      return allocate(d, job);
    case 'LAUNCHING':
      return launch(d, job);
    default:
      return Promise.resolve(`nothing to do in ${job.status}`);
  }
}

async function simpleMove(d: JobsDeps, job: Job, from: JobStatus, to: JobStatus): Promise<string> {
  const event = jobEvent(d, job, from, to);
  const r = await transition(d.store, job, from, to, {}, d.rt.clock.nowMs(), { event });
  if (!r.ok) return 'moved by another';
  await publishStaged(d, [event]);
  d.fault(`after:${to}`);
  return to;
}

/** Re-derives the profile and plan: an adapter changed since submission must not run a different job. */
async function profile(d: JobsDeps, job: Job): Promise<string> {
  let same = false;
  try {
    const p = loadAdapter(job.adapter).prepare(job.spec);
    same = canonicalize(p.profile) === canonicalize(job.profile) && canonicalize(p.plan) === canonicalize(job.plan);
  } catch {
    same = false;
  }
  if (!same) return (await finishWithoutContainer(d, job, 'FAILED', 'profile_changed')) ? 'FAILED' : 'moved by another';
  return simpleMove(d, job, 'PROFILING', 'ALLOCATING');
}

type ClaimResult = 'claimed' | 'full' | 'moved';

/** Claims a free agent and a pool slot for the job, moving it to LAUNCHING, in one transaction. */
async function claim(d: JobsDeps, job: Job, from: 'ALLOCATING' | 'QUEUED', agents?: Agent[]): Promise<ClaimResult> {
  const free = (agents ?? (await listAgents(d.store))).filter((a) => !a.jobId);
  const now = d.rt.clock.nowMs();
  for (const agent of free) {
    const deadlineMs = now + job.resources.timeoutMs;
    const event = jobEvent(d, job, from, 'LAUNCHING', { agentId: agent.name });
    const r = await transition(
      d.store,
      job,
      from,
      'LAUNCHING',
      { agentId: agent.name, identity: agent.identity, claimedAtMs: now, deadlineMs },
      now,
      { claimAgent: { name: agent.name, leaseUntilMs: deadlineMs + LEASE_GRACE_MS, maxAgents: d.cfg.maxAgents }, event },
    );
    if (r.ok) {
      await publishStaged(d, [event]);
      d.fault('after:LAUNCHING');
      return 'claimed';
    }
    if (r.failed === 'pool') return 'full';
    if (r.failed === 'job') return 'moved';
  }
  return 'full';
}

/** Jobs wait in arrival order: a new job queues behind any already waiting. */
async function allocate(d: JobsDeps, job: Job): Promise<string> {
  const [waiting, agents] = await Promise.all([queuedJobs(d.store, 1), listAgents(d.store)]);
  if (waiting.length === 0) {
    const c = await claim(d, job, 'ALLOCATING', agents);
    if (c === 'claimed') return 'LAUNCHING';
    if (c === 'moved') return 'moved by another';
  }
  const event = jobEvent(d, job, 'ALLOCATING', 'QUEUED');
  const r = await transition(d.store, job, 'ALLOCATING', 'QUEUED', {}, d.rt.clock.nowMs(), { event });
  if (!r.ok) return 'moved by another';
  await publishStaged(d, [event]);
  // An agent may have freed between the claim attempt and the queueing.
  await sendSteps(d, [{ kind: 'dispatch' }]);
  return 'QUEUED';
}

/** Starts queued jobs, oldest first, while agents are free. Returns how many started. */
export async function dispatch(d: JobsDeps): Promise<number> {
  let started = 0;
  for (let round = 0; round < 50; round++) {
    const waiting = await queuedJobs(d.store, 10);
    if (waiting.length === 0) return started;
    let progressed = false;
    for (const job of waiting) {
      const c = await claim(d, job, 'QUEUED');
      if (c === 'full') return started;
      if (c === 'claimed') {
        started++;
        // Launch here rather than behind the step queue's backlog; a crash is re-sent by the sweep.
        const claimed = await getJob(d.store, job.jobId);
        if (claimed?.status === 'LAUNCHING') await launch(d, claimed);
      }
      progressed = true;
    }
    if (!progressed) return started;
  }
  return started;
}

export function launchSpec(job: Job): LaunchSpec {
  return {
    jobId: job.jobId,
    image: job.plan.image,
    command: job.plan.command,
    env: { ...job.plan.env, VRACU_JOB_ID: job.jobId },
    cpuUnits: job.resources.cpuUnits,
    memoryMb: job.resources.memoryMb,
    gpus: job.profile.numGpus,
    timeoutMs: job.resources.timeoutMs,
    network: job.resources.network,
    tags: { jobId: job.jobId, tenant: job.tenant, agent: job.agentId ?? '', adapter: job.adapter },
  };
}

/**
 * Launches the container. `launchStartedAtMs` is claimed first, so a re-sent step never
 * launches a second container; the container then reports itself through task events.
 */
async function launch(d: JobsDeps, job: Job): Promise<string> {
  const now = d.rt.clock.nowMs();
  if (job.launchStartedAtMs !== undefined) {
    if (job.containerId) return 'launched; waiting for the container';
    if (now - job.launchStartedAtMs < d.cfg.staleStepMs) return 'launch in progress';
    // The launcher died after claiming the launch and before recording a container.
    return (await finishWithoutContainer(d, job, 'FAILED', 'launch_failed')) ? 'FAILED' : 'moved by another';
  }
  if (job.abortReason) return (await finishWithoutContainer(d, job, 'ABORTED', job.abortReason)) ? 'ABORTED' : 'moved by another';
  try {
    // Never start a container whose attestations could not be signed.
    await d.signerFor(await agentOf(d, job));
  } catch {
    return (await finishWithoutContainer(d, job, 'FAILED', 'agent_key_unavailable')) ? 'FAILED' : 'moved by another';
  }
  const claimed = await patchJob(d.store, job.jobId, { launchStartedAtMs: now }, {
    expression: '#st = :launching AND attribute_not_exists(launchStartedAtMs)',
    names: { '#st': 'status' },
    values: { ':launching': 'LAUNCHING' },
  });
  if (!claimed) return 'moved by another';
  d.fault('before-launch');
  const driver = await d.driver();
  let containerId: string;
  try {
    containerId = (await driver.launch(launchSpec(job))).containerId;
  } catch (e) {
    const fresh = (await getJob(d.store, job.jobId))!;
    await finishWithoutContainer(d, fresh, 'FAILED', 'launch_failed');
    return `FAILED: ${(e as Error).message}`;
  }
  d.fault('after-launch');
  await patchJob(d.store, job.jobId, { containerId }, { expression: 'attribute_not_exists(containerId) OR containerId = :cid', values: { ':cid': containerId } });
  const fresh = await getJob(d.store, job.jobId);
  // A cancel or timeout that landed while we were launching: stop what we just started.
  if (fresh?.abortReason && (fresh.status === 'LAUNCHING' || fresh.status === 'RUNNING')) await driver.stop(containerId, fresh.abortReason);
  return `launched ${containerId}`;
}
