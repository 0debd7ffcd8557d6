/** Step messages (the jobSteps queue) and job events (the bus). */
import * as z from 'zod';
import { isoAt } from '../../platform/clock.ts';
import { JOB_STATUSES, type JobStatus } from '../domain/lifecycle.ts';
import type { Job } from '../domain/job.ts';
import type { JobsDeps } from './deps.ts';

export const StepMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('advance'), jobId: z.string().regex(/^job_[0-9A-Z]{26}$/), from: z.enum(JOB_STATUSES) }),
  z.strictObject({ kind: z.literal('dispatch') }),
]);
export type StepMessage = z.infer<typeof StepMessage>;

export const JOB_STATE_CHANGED = 'Job State Changed';

export async function sendSteps(d: JobsDeps, msgs: StepMessage[]): Promise<void> {
  if (msgs.length) await d.rt.queues.send('jobSteps', msgs.map((body) => ({ body })));
}

export const advance = (jobId: string, from: JobStatus): StepMessage => ({ kind: 'advance', jobId, from });

export async function publishChange(d: JobsDeps, job: Job, from: JobStatus | null, to: JobStatus, extra: Record<string, unknown> = {}): Promise<void> {
  await d.rt.events.publish([
    {
      detailType: JOB_STATE_CHANGED,
      detail: { jobId: job.jobId, tenant: job.tenant, from, to, at: isoAt(d.rt.clock.nowMs()), ...extra },
    },
  ]);
}
