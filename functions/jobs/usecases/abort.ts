/**
 * Cancel (the buyer) and abort (timeout, lease expiry). Before a container exists the job
 * ends at once; once it may exist, the abort is recorded and the container stopped, and
 * the job ends when the container reports STOPPED, with its deletion attestation.
 */
import { AppError } from '../../platform/errors.ts';
import { jobsError } from '../errors.ts';
import type { Job } from '../domain/job.ts';
import { HAS_CONTAINER, isTerminal, mayHaveContainer } from '../domain/lifecycle.ts';
import { getJob, patchJob } from '../store/job-store.ts';
import type { JobsDeps } from '../deps.ts';
import { finishStopped, finishWithoutContainer } from './finish.ts';
import { isoAt } from '../../platform/clock.ts';
import { startNext } from './pool.ts';
import { jobEvent, publishStaged } from './notify.ts';

/** Ends or starts ending the job; returns it as it is afterwards. */
export async function abortJob(d: JobsDeps, jobId: string, reason: string): Promise<Job> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const job = await getJob(d.store, jobId);
    if (!job) throw new AppError('not_found', `job ${jobId} not found`);
    if (isTerminal(job.status)) return job;
    if (mayHaveContainer(job.status)) {
      if (!job.abortReason) {
        const event = jobEvent(d, job, job.status, job.status, { abortRequested: reason });
        const ok = await patchJob(
          d.store,
          jobId,
          { abortReason: reason, abortRequestedAtMs: d.rt.clock.nowMs() },
          { statusIn: HAS_CONTAINER, noAbortRequested: true },
          event,
        );
        if (!ok) continue;
        await publishStaged(d, [event]);
      }
      if (job.containerId) {
        const driver = await d.driver();
        if ((await driver.stop(job.containerId, reason)) === 'gone') {
          // The runtime no longer knows the container (for example it went with a stack that was killed):
          // no STOPPED event will come, so end the job here, attested, as lost.
          const state = await driver.describe(job.containerId);
          const ended = await finishStopped(d, (await getJob(d.store, jobId))!, {
            containerId: job.containerId,
            exitCode: state?.exitCode ?? null,
            stopCause: state?.stopCause ?? 'lost',
            stopCode: state?.stopCode,
            stoppedReason: state?.stoppedReason ?? 'container_lost',
            stoppedAt: state?.stoppedAt ?? isoAt(d.rt.clock.nowMs()),
            createdAt: state?.createdAt,
          });
          if (ended?.freedAgent) await startNext(d);
        }
      } else if (job.launchStartedAtMs === undefined) {
        // Claimed but not launching yet: nothing can exist, end now.
        const ended = await finishWithoutContainer(d, { ...job, abortReason: job.abortReason ?? reason }, 'ABORTED', job.abortReason ?? reason, {
          noContainer: true,
          launchUnclaimed: true,
        });
        if (!ended) continue;
        if (ended.freedAgent) await startNext(d);
      } else if (d.rt.clock.nowMs() - job.launchStartedAtMs > d.cfg.staleStepMs) {
        // The launcher died after claiming the launch and recorded no container: end it now.
        const ended = await finishWithoutContainer(d, job, 'ABORTED', job.abortReason ?? reason);
        if (!ended) continue;
        if (ended.freedAgent) await startNext(d);
      }
      // Otherwise a launch is in flight: the launcher sees abortReason afterwards and stops the container.
      return (await getJob(d.store, jobId))!;
    }
    if (await finishWithoutContainer(d, job, 'ABORTED', reason)) return (await getJob(d.store, jobId))!;
  }
  throw new AppError('conflict', `job ${jobId} kept changing; try again`);
}

export async function cancelJob(d: JobsDeps, job: Job): Promise<Job> {
  if (isTerminal(job.status)) throw jobsError('job_not_cancellable', `job ${job.jobId} already ended (${job.status})`, { status: job.status });
  return abortJob(d, job.jobId, 'cancelled');
}
