/** Sending step messages (the jobSteps queue) and publishing job events (the bus); both messages are defined in events/. */
import { isoAt } from '../../platform/clock.ts';
import { JOB_STATE_CHANGED, type JobStateChangedDetail, type JobStatus } from '../../../events/job-state-changed.ts';
import type { StepMessage } from '../../../events/job-step.ts';
import type { Job } from '../domain/job.ts';
import type { JobsDeps } from '../deps.ts';
import { deleteOutbox, type OutboxEvent } from '../store/outbox-store.ts';

export { advance, type StepMessage } from '../../../events/job-step.ts';

export async function sendSteps(d: JobsDeps, msgs: StepMessage[]): Promise<void> {
  if (msgs.length)
    await d.rt.queues.send(
      'jobSteps',
      msgs.map((body) => ({ body })),
    );
}

/**
 * The event reporting a change of `job` from `from` to `to`: pass it to the write that
 * makes the change (it is staged in the outbox there), then `publishStaged` it.
 */
export function jobEvent(d: JobsDeps, job: Job, from: JobStatus | null, to: JobStatus, extra: Record<string, unknown> = {}): OutboxEvent {
  const atMs = d.rt.clock.nowMs();
  const id = d.rt.ids.next('evt');
  const detail: JobStateChangedDetail = { eventId: id, jobId: job.jobId, tenant: job.tenant, from, to, at: isoAt(atMs), ...extra };
  return { id, jobId: job.jobId, detailType: JOB_STATE_CHANGED, atMs, detail };
}

/** Publishes staged events, then drops their outbox copies. A crash in between is healed by the sweep. */
export async function publishStaged(d: JobsDeps, events: OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (const ev of events) d.fault(`publish:${String(ev.detail.to)}`);
  await d.rt.events.publish(events.map((ev) => ({ detailType: ev.detailType, detail: ev.detail, time: isoAt(ev.atMs) })));
  for (const ev of events) await deleteOutbox(d.store, ev);
}
