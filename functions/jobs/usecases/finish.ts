/**
 * Ending a job: a leaf. With a container: both attestations signed (creation too if its
 * RUNNING event was never seen), then one transaction moves the job to its terminal state
 * and frees the agent and the quota. Without a container: the terminal move alone (no
 * attestation: nothing existed). Each reports whether it freed an agent; the caller decides
 * whether the pool should dispatch (usecases/pool.ts), so ending a job never re-enters it.
 * A job that ended gives back the units it held on its provider (the placer's hold) before the
 * caller dispatches, so the next job may take them.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Job } from '../domain/job.ts';
import { mayHaveContainer, outcomeOfStop, type JobStatus } from '../domain/lifecycle.ts';
import { transition, type JobGuard } from '../store/job-store.ts';
import { agentOf, signCreation, signDeletion, type StopFacts } from './attest.ts';
import type { JobsDeps } from '../deps.ts';
import { jobEvent, publishStaged } from './notify.ts';
import { EXCHANGE_POOL } from '../domain/placement.ts';
import { logger } from '../../platform/observability.ts';

/** A job that just ended: its terminal status, and whether an agent became free. */
export interface Ended {
  status: JobStatus;
  freedAgent: boolean;
}

/** Ends a job whose container stopped; null when another writer moved it first. */
export async function finishStopped(d: JobsDeps, job: Job, stop: StopFacts & { createdAt?: string | undefined; version?: number }): Promise<Ended | null> {
  if (!mayHaveContainer(job.status)) return null;
  const now = d.rt.clock.nowMs();
  const agent = await agentOf(d, job);
  const driver = await d.driver();
  const creation = job.creation ?? (await signCreation(d, job, agent, stop.containerId, stop.createdAt ?? stop.stoppedAt ?? isoAt(now)));
  const deletion = await signDeletion(d, job, agent, driver, creation, stop);
  const outcome = outcomeOfStop(stop, job.abortReason);
  const endedAt = isoAt(now);
  const event = jobEvent(d, job, job.status, outcome.status, {
    reason: outcome.reason,
    containerId: stop.containerId,
    exitCode: stop.exitCode,
    agentId: agent.name,
    deletionAttested: true,
  });
  const r = await transition(
    d.store,
    job,
    job.status,
    outcome.status,
    {
      containerId: stop.containerId,
      creation,
      deletion,
      exitCode: stop.exitCode,
      reason: outcome.reason,
      endedAt,
      releasedAtMs: now,
      taskVersion: stop.version,
    },
    now,
    { releaseAgent: agent.name, guard: { containerIs: stop.containerId }, event },
  );
  if (!r.ok) return null;
  d.fault('after-terminal');
  await publishStaged(d, [event]);
  await giveBackUnits(d, job);
  return { status: outcome.status, freedAgent: true };
}

/** Ends a job that has no container (never launched, or its launch failed); null when another writer moved it first. */
export async function finishWithoutContainer(
  d: JobsDeps,
  job: Job,
  to: 'ABORTED' | 'FAILED',
  reason: string,
  guard: JobGuard = { noContainer: true },
): Promise<Ended | null> {
  const now = d.rt.clock.nowMs();
  const holds = mayHaveContainer(job.status);
  const event = jobEvent(d, job, job.status, to, { reason });
  const r = await transition(d.store, job, job.status, to, { reason, endedAt: isoAt(now), ...(holds ? { releasedAtMs: now } : {}) }, now, {
    event,
    ...(holds && job.agentId ? { releaseAgent: job.agentId } : {}),
    guard,
  });
  if (!r.ok) return null;
  await publishStaged(d, [event]);
  await giveBackUnits(d, job);
  return { status: to, freedAgent: holds && Boolean(job.agentId) };
}

/**
 * Gives back the units the job holds on its provider. Idempotent, and never fails the ending: if
 * the directory cannot be reached now, the job's billing (which consumes its terminal event) gives
 * them back later.
 */
export async function giveBackUnits(d: JobsDeps, job: Pick<Job, 'jobId' | 'providerId'>): Promise<boolean> {
  if (!job.providerId || job.providerId === EXCHANGE_POOL) return false;
  try {
    return await d.placer.release(job.providerId, job.jobId);
  } catch (err) {
    logger.warn('units not given back; the billing step retries', { jobId: job.jobId, providerId: job.providerId, error: (err as Error).message });
    return false;
  }
}
