/** The jobBilling queue consumer: a terminal `Job State Changed` event → the job's bill, once (usecases/bill.ts). */
import * as z from 'zod';
import { sqsConsumer } from '../../platform/consumer.ts';
import { JOB_STATE_CHANGED, JobStateChangedDetail } from '../../../events/job-state-changed.ts';
import { jobsContext } from '../deps.ts';
import { billJob } from '../usecases/bill.ts';

const TerminalJobEvent = z.looseObject({ 'detail-type': z.literal(JOB_STATE_CHANGED), detail: JobStateChangedDetail });

export const handler = sqsConsumer(
  jobsContext,
  TerminalJobEvent,
  (d, e) => billJob(d, e.detail.jobId),
  (e) => e.detail.jobId,
);
