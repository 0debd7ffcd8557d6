/**
 * The agent pool: claiming a free agent (and a pool slot, leased until the job's deadline
 * plus `leaseGraceMs`) for a job, launching its
 * container, and dispatching queued jobs while agents are free. Ending a job never calls
 * back in here (usecases/finish.ts is a leaf that reports what it freed): whoever freed an
 * agent calls `startNext`, and a launch that fails inside `dispatch` frees its agent for
 * the same loop's next claim, so a dispatch never nests another.
 */
import type { Agent, Job } from '../domain/job.ts';
import { mayHaveContainer } from '../domain/lifecycle.ts';
import { mintJobCredential } from './credential.ts';
import type { LaunchSpec } from '../drivers/driver.ts';
import { listAgents } from '../store/agent-store.ts';
import { sidecarCredentialEnvironment } from '../../definitions/environment.ts';
import { getJob, patchJob, queuedAfter, transition } from '../store/job-store.ts';
import { agentOf } from './attest.ts';
import type { JobsDeps } from '../deps.ts';
import { finishWithoutContainer, giveBackUnits } from './finish.ts';
import { jobEvent, publishStaged, sendSteps } from './notify.ts';
import { EXCHANGE_POOL } from '../domain/placement.ts';
import { acquireOrMark, dropLease, releaseLease, renewLease } from '../store/dispatch-lease.ts';

export type ClaimResult = 'claimed' | 'full' | 'moved' | { unplaced: string };

const placementRequest = (job: Job) => ({
  jobId: job.jobId,
  ownerId: job.ownerId,
  numGpus: job.profile.numGpus,
  scmMinutes: job.profile.scmMinutes,
  attesters: job.privacy?.attesters ?? [],
});

/**
 * Claims a free agent and a pool slot for the job, moving it to LAUNCHING, in one transaction,
 * with the provider placement chose (asked only when an agent is free). No provider fits →
 * `unplaced` with the reason; the caller keeps the job QUEUED with it.
 */
export async function claim(d: JobsDeps, job: Job, from: 'ALLOCATING' | 'QUEUED', agents?: Agent[]): Promise<ClaimResult> {
  const free = (agents ?? (await listAgents(d.store))).filter((a) => !a.jobId);
  if (free.length === 0) return 'full';
  const decision = await d.placer.place(placementRequest(job));
  if ('unplaced' in decision) return { unplaced: decision.unplaced };
  const placement = decision.placed;
  const now = d.rt.clock.nowMs();
  for (const agent of free) {
    const deadlineMs = now + job.resources.timeoutMs;
    const event = jobEvent(d, job, from, 'LAUNCHING', { agentId: agent.name, providerId: placement.providerId });
    const r = await transition(
      d.store,
      job,
      from,
      'LAUNCHING',
      { agentId: agent.name, identity: agent.identity, claimedAtMs: now, deadlineMs, providerId: placement.providerId, placement },
      now,
      {
        claimAgent: { name: agent.name, leaseUntilMs: deadlineMs + d.cfg.leaseGraceMs, maxAgents: d.cfg.maxAgents },
        event,
        // A queued job's "why it waits" is answered once it is placed.
        ...(job.reason ? { remove: ['reason'] } : {}),
      },
    );
    if (r.ok) {
      await publishStaged(d, [event]);
      d.fault('after:LAUNCHING');
      return 'claimed';
    }
    if (r.failed === 'pool' || r.failed === 'job') {
      // Not claimed: the units placement held for it go back at once.
      await giveBackUnits(d, { jobId: job.jobId, providerId: placement.providerId });
      return r.failed === 'pool' ? 'full' : 'moved';
    }
  }
  await giveBackUnits(d, { jobId: job.jobId, providerId: placement.providerId });
  return 'full';
}

/** A dispatcher marked on this many walks in a row hands on to a queued dispatch step. */
const MAX_WALKS = 20;

/**
 * Starts queued jobs, oldest first, while agents are free (at most 500 looked at per walk).
 * One dispatcher walks at a time (store/dispatch-lease.ts): one that finds another walking
 * leaves it a mark and returns, and the walker walks again before it lets go. Returns how many
 * this call launched.
 */
export async function dispatch(d: JobsDeps): Promise<number> {
  d.fault('dispatch:enter');
  try {
    const holder = d.rt.ids.next('dsp');
    const until = () => d.rt.clock.nowMs() + d.cfg.dispatchLeaseMs;
    if ((await acquireOrMark(d.store, holder, d.rt.clock.nowMs(), d.cfg.dispatchLeaseMs)) === 'marked') return 0;
    let started = 0;
    try {
      for (let walk = 1; ; walk++) {
        started += await dispatchLoop(d, () => renewLease(d.store, holder, until()));
        if ((await releaseLease(d.store, holder, until())) !== 'again') break;
        if (walk === MAX_WALKS) {
          // Marked on every walk: hand on to a fresh call rather than run without end in this one.
          await dropLease(d.store, holder);
          await sendSteps(d, [{ kind: 'dispatch' }]);
          break;
        }
      }
    } catch (e) {
      // The caller's fallback (a queued dispatch step, the message's redelivery) walks again.
      await dropLease(d.store, holder).catch(() => undefined);
      throw e;
    }
    return started;
  } finally {
    d.fault('dispatch:exit');
  }
}

/**
 * Oldest first, ten at a time, renewing the lease each page (a lost lease: another walks now).
 * A job nothing fits keeps its place and its reason, and the loop pages past it (by index key),
 * so a head of unplaceable jobs never starves the jobs behind them.
 */
async function dispatchLoop(d: JobsDeps, renew: () => Promise<boolean>): Promise<number> {
  let started = 0;
  let after: string | undefined;
  for (let round = 0; round < 50; round++) {
    if (round > 0 && !(await renew())) return started;
    const waiting = await queuedAfter(d.store, after, 10);
    if (waiting.length === 0) return started;
    for (const job of waiting) {
      const c = await claim(d, job, 'QUEUED');
      if (c === 'full') return started;
      if (typeof c === 'object') {
        // No provider fits this one: it waits with the reason; the jobs behind it may fit.
        if (job.reason !== c.unplaced) await patchJob(d.store, job.jobId, { reason: c.unplaced }, { statusIn: ['QUEUED'] });
        continue;
      }
      if (c === 'claimed') {
        started++;
        // Launch here rather than behind the step queue's backlog; a crash is re-sent by the sweep.
        // A failed launch frees its agent, which the next claim of this loop takes.
        const claimed = await getJob(d.store, job.jobId);
        if (claimed?.status === 'LAUNCHING') await launch(d, claimed);
      }
    }
    after = waiting[waiting.length - 1]!.jobId;
  }
  return started;
}

/**
 * An agent just freed: start the oldest queued job now rather than behind the step
 * queue's backlog. If this fails, a dispatch step is queued; failing that too, the timeout
 * sweep's dispatch kick starts it later.
 */
export async function startNext(d: JobsDeps): Promise<void> {
  try {
    await dispatch(d);
  } catch {
    await sendSteps(d, [{ kind: 'dispatch' }]);
  }
}

/** `sidecarEnv`: variables for the sidecar alone (the job credential), never the workload's. */
export function launchSpec(job: Job, sidecarEnv?: Record<string, string>): LaunchSpec {
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
    tags: { jobId: job.jobId, tenant: job.tenant, agent: job.agentId ?? '', adapter: job.adapter, provider: job.providerId ?? EXCHANGE_POOL },
    ...(sidecarEnv ? { sidecarEnv } : {}),
  };
}

/** What a launch attempt did, and whether it gave its agent back (a failed launch does). */
export interface LaunchOutcome {
  note: string;
  ended?: 'FAILED' | 'ABORTED';
  freedAgent: boolean;
}

const ended = (to: 'FAILED' | 'ABORTED', r: { freedAgent: boolean } | null, note: string = to): LaunchOutcome =>
  r ? { note, ended: to, freedAgent: r.freedAgent } : { note: 'moved by another', freedAgent: false };

/**
 * Launches the container. `launchStartedAtMs` is claimed first, so a re-sent step never
 * launches a second container; the container then reports itself through task events.
 */
export async function launch(d: JobsDeps, job: Job): Promise<LaunchOutcome> {
  const now = d.rt.clock.nowMs();
  if (job.launchStartedAtMs !== undefined) {
    if (job.containerId) return { note: 'launched; waiting for the container', freedAgent: false };
    if (now - job.launchStartedAtMs < d.cfg.staleStepMs) return { note: 'launch in progress', freedAgent: false };
    // The launcher died after claiming the launch and before recording a container.
    return ended('FAILED', await finishWithoutContainer(d, job, 'FAILED', 'launch_failed'));
  }
  if (job.abortReason) return ended('ABORTED', await finishWithoutContainer(d, job, 'ABORTED', job.abortReason));
  try {
    // Never start a container whose attestations could not be signed.
    await d.signerFor(await agentOf(d, job));
  } catch {
    return ended('FAILED', await finishWithoutContainer(d, job, 'FAILED', 'agent_key_unavailable'));
  }
  // Every sidecar gets a credential of its own (hashed here; the secret travels only in the launch): an attested
  // job's opens the privacy routes and the artifacts routes, a plain job's the artifacts routes alone.
  const credential = mintJobCredential();
  const claimed = await patchJob(
    d.store,
    job.jobId,
    { launchStartedAtMs: now, credentialHash: credential.hash },
    { statusIn: ['LAUNCHING'], launchUnclaimed: true },
  );
  if (!claimed) return { note: 'moved by another', freedAgent: false };
  d.fault('before-launch');
  const driver = await d.driver();
  let containerId: string;
  try {
    containerId = (
      await driver.launch(
        launchSpec(
          job,
          sidecarCredentialEnvironment({
            credential: credential.secret,
            attesters: job.privacy?.attesters ?? [],
            exchangeUrl: d.cfg.exchangeUrl,
            inputs: job.inputs?.length ?? 0,
          }),
        ),
      )
    ).containerId;
  } catch (e) {
    const fresh = (await getJob(d.store, job.jobId))!;
    return ended('FAILED', await finishWithoutContainer(d, fresh, 'FAILED', 'launch_failed'), `FAILED: ${(e as Error).message}`);
  }
  d.fault('after-launch');
  await patchJob(d.store, job.jobId, { containerId }, { containerIs: containerId });
  const fresh = await getJob(d.store, job.jobId);
  // A cancel or timeout that landed while we were launching: stop what we just started.
  if (fresh?.abortReason && mayHaveContainer(fresh.status)) await driver.stop(containerId, fresh.abortReason);
  return { note: `launched ${containerId}`, freedAgent: false };
}
