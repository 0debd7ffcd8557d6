/** Step messages (the jobSteps queue) and job events (the bus). */
import * as z from 'zod';
import { isoAt } from '../../platform/clock.ts';
import { JOB_STATUSES, type JobStatus } from '../domain/lifecycle.ts';
import type { Job } from '../domain/job.ts';
import type { JobsDeps } from '../deps.ts';
import { deleteOutbox, type OutboxEvent } from '../store/outbox-store.ts';

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

/**
 * The event reporting a change of `job` from `from` to `to`: pass it to the write that
 * makes the change (it is staged in the outbox there), then `publishStaged` it.
 */
export function jobEvent(d: JobsDeps, job: Job, from: JobStatus | null, to: JobStatus, extra: Record<string, unknown> = {}): OutboxEvent {
  const atMs = d.rt.clock.nowMs();
  const id = d.rt.ids.next('evt');
  return { id, jobId: job.jobId, detailType: JOB_STATE_CHANGED, atMs, detail: { eventId: id, jobId: job.jobId, tenant: job.tenant, from, to, at: isoAt(atMs), ...extra } };
}

/** Publishes staged events, then drops their outbox copies. A crash in between is healed by the sweep. */
export async function publishStaged(d: JobsDeps, events: OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (const ev of events) d.fault(`publish:${String(ev.detail.to)}`);
  await d.rt.events.publish(events.map((ev) => ({ detailType: ev.detailType, detail: ev.detail, time: isoAt(ev.atMs) })));
  for (const ev of events) await deleteOutbox(d.store, ev);
}
