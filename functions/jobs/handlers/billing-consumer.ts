/**
 * The jobBilling queue consumer: terminal `Job State Changed` events → each job's bill, once
 * (usecases/bill.ts). A batch's completions of one buyer on one provider are applied together.
 */
import * as z from 'zod';
import { sqsBatchConsumer } from '../../platform/consumer.ts';
import { JOB_STATE_CHANGED, JobStateChangedDetail } from '../../../events/job-state-changed.ts';
import { jobsContext } from '../deps.ts';
import { billJobs } from '../usecases/bill.ts';

const TerminalJobEvent = z.looseObject({ 'detail-type': z.literal(JOB_STATE_CHANGED), detail: JobStateChangedDetail });

export const handler = sqsBatchConsumer(jobsContext, TerminalJobEvent, async (d, messages) => {
  const r = await billJobs(
    d,
    messages.map((m) => m.message.detail.jobId),
  );
  const failedJobs = new Set(r.failed);
  return { failed: messages.filter((m) => failedJobs.has(m.message.detail.jobId)).map((m) => m.record.messageId), outcome: r.notes.join('; ') };
});
