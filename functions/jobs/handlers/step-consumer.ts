/** The jobSteps queue consumer: one lifecycle step per message, one job's messages in order. */
import { sqsConsumer } from '../../platform/consumer.ts';
import { jobsContext } from '../deps.ts';
import { StepMessage } from '../../../events/job-step.ts';
import { handleStep } from '../usecases/steps.ts';

export const handler = sqsConsumer(
  jobsContext,
  StepMessage,
  (d, msg) => handleStep(d, msg),
  (msg) => (msg.kind === 'advance' ? msg.jobId : ''),
);
