/**
 * The jobTimeouts schedule. Enforces deadlines even when no step runs: aborts jobs past
 * their deadline, reclaims agents whose lease ran out, re-sends the step of any job stuck
 * in a stepped status (a consumer that crashed between its write and its send), publishes
 * job events a step staged but never published (a crash between write and publish),
 * checks containers whose stop never reported back, and kicks the pool when jobs wait.
 */
import { isoAt } from '../../platform/clock.ts';
import { HOLDS_AGENT, isTerminal, STEPPED } from '../domain/lifecycle.ts';
import { forceRelease, listAgents, poolActive } from '../store/agent-store.ts';
import { activeJobs, getJob, queuedJobs } from '../store/job-store.ts';
import { abortJob } from './abort.ts';
import type { JobsDeps } from '../deps.ts';
import { finishStopped } from './finish.ts';
import { advance, publishStaged, sendSteps, type StepMessage } from './notify.ts';
import { staleOutbox } from '../store/outbox-store.ts';

export interface SweepReport {
  timedOut: string[];
  resent: string[];
  reclaimed: string[];
  lost: string[];
  /** Ids of staged events published late. */
  republished: string[];
  /** Running jobs whose provider went offline: ended, reason `provider_offline` (not billed). */
  providerOffline: string[];
  dispatched: boolean;
}

export async function sweep(d: JobsDeps): Promise<SweepReport> {
  const now = d.rt.clock.nowMs();
  const report: SweepReport = { timedOut: [], resent: [], reclaimed: [], lost: [], republished: [], dispatched: false, providerOffline: [] };
  const steps: StepMessage[] = [];
  const active = await activeJobs(d.store);
  const onProviders = active.filter((j) => HOLDS_AGENT.has(j.status) && j.providerId && !j.abortReason);
  const offline = onProviders.length ? await d.placer.offline(onProviders.map((j) => j.providerId!)) : new Set<string>();
  for (const job of active) {
    if (HOLDS_AGENT.has(job.status) && job.providerId && offline.has(job.providerId) && !job.abortReason) {
      // Its provider stopped heartbeating: the job cannot be trusted to run on; end it with the reason.
      await abortJob(d, job.jobId, 'provider_offline');
      report.providerOffline.push(job.jobId);
      continue;
    }
    if (HOLDS_AGENT.has(job.status) && job.deadlineMs !== undefined && now > job.deadlineMs && !job.abortReason) {
      await abortJob(d, job.jobId, 'timeout');
      report.timedOut.push(job.jobId);
    } else if (job.abortReason && job.containerId && job.abortRequestedAtMs !== undefined && now - job.abortRequestedAtMs > d.cfg.staleStopMs) {
      // Asked to stop long ago and never heard back: ask the driver what became of it.
      const driver = await d.driver();
      const state = await driver.describe(job.containerId);
      if (!state || state.lastStatus === 'STOPPED') {
        await finishStopped(d, job, {
          containerId: job.containerId,
          exitCode: state?.exitCode ?? null,
          stopCause: state?.stopCause ?? 'lost',
          stopCode: state?.stopCode,
          stoppedReason: state?.stoppedReason ?? 'container_lost',
          stoppedAt: state?.stoppedAt ?? isoAt(now),
          createdAt: state?.createdAt,
        });
        report.lost.push(job.jobId);
      } else {
        await driver.stop(job.containerId, job.abortReason);
      }
    } else if (STEPPED.has(job.status) && now - job.updatedAtMs > d.cfg.staleStepMs) {
      steps.push(advance(job.jobId, job.status));
      report.resent.push(job.jobId);
    }
  }
  for (const agent of await listAgents(d.store)) {
    if (!agent.jobId || agent.leaseUntilMs === undefined || agent.leaseUntilMs > now) continue;
    const job = await getJob(d.store, agent.jobId);
    if (!job || isTerminal(job.status) || job.agentId !== agent.name) {
      if (await forceRelease(d.store, agent.name, agent.jobId)) report.reclaimed.push(agent.name);
    } else if (!job.abortReason) {
      await abortJob(d, job.jobId, 'lease_expired');
      report.reclaimed.push(agent.name);
    }
  }
  if ((await queuedJobs(d.store, 1)).length > 0 && (await poolActive(d.store)) < d.cfg.maxAgents) {
    steps.push({ kind: 'dispatch' });
    report.dispatched = true;
  }
  await sendSteps(d, steps);
  // Older than a step takes to publish what it wrote: its writer is gone.
  const unpublished = await staleOutbox(d.store, now - d.cfg.staleOutboxMs);
  for (let i = 0; i < unpublished.length; i += 10) await publishStaged(d, unpublished.slice(i, i + 10));
  report.republished = unpublished.map((e) => e.id);
  return report;
}
