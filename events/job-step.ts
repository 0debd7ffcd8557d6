/**
 * The job step message (the jobSteps queue): carry one job on from the status it names, or
 * dispatch queued jobs to free agents. A message whose status is not the job's is late or
 * a duplicate and does nothing.
 */
import * as z from 'zod';
import { JOB_STATUSES, type JobStatus } from './job-state-changed.ts';

export const StepMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('advance'), jobId: z.string().regex(/^job_[0-9A-Z]{26}$/), from: z.enum(JOB_STATUSES) }),
  z.strictObject({ kind: z.literal('dispatch') }),
]);
export type StepMessage = z.infer<typeof StepMessage>;

export const advance = (jobId: string, from: JobStatus): StepMessage => ({ kind: 'advance', jobId, from });
