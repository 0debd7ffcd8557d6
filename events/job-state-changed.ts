/**
 * The domain event every job state change publishes (through the jobs outbox): detail type
 * `Job State Changed` on the exchange's bus. Consumers dedupe by `eventId` (the outbox
 * publishes at least once). Billing, the console and later contexts read it.
 */
import * as z from 'zod';

/** The job lifecycle's statuses (functions/jobs/domain/lifecycle.ts gives their transitions). */
export const JOB_STATUSES = ['PENDING', 'PROFILING', 'ALLOCATING', 'QUEUED', 'LAUNCHING', 'ATTESTING', 'RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_STATE_CHANGED = 'Job State Changed';

/** The detail: who, from where to where, when; the change's own facts (reason, container, agent, ...) beside them. */
export const JobStateChangedDetail = z.looseObject({
  eventId: z.string().regex(/^evt_[0-9A-Z]{26}$/),
  jobId: z.string().regex(/^job_[0-9A-Z]{26}$/),
  tenant: z.string().min(1),
  from: z.enum(JOB_STATUSES).nullable(),
  to: z.enum(JOB_STATUSES),
  at: z.iso.datetime(),
  reason: z.string().optional(),
  containerId: z.string().optional(),
  agentId: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
});
export type JobStateChangedDetail = z.infer<typeof JobStateChangedDetail>;
