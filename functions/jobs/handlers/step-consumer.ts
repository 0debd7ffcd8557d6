/** The jobSteps queue consumer: one lifecycle step per message. */
import type { SQSEvent } from 'aws-lambda';
import { logger } from '../../platform/observability.ts';
import { runtime } from '../../platform/runtime.ts';
import { consumeRecords } from '../usecases/consume.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { StepMessage } from '../usecases/notify.ts';
import { handleStep } from '../usecases/steps.ts';

export const handler = async (event: SQSEvent) => {
  const d = jobsDeps(runtime());
  return consumeRecords(event, async (record, body) => {
    const msg = StepMessage.safeParse(body);
    if (!msg.success) {
      logger.error('dropping an invalid step message', { messageId: record.messageId, issues: msg.error.issues });
      return 'invalid';
    }
    return handleStep(d, msg.data);
  }, (body) => String((body as { jobId?: unknown }).jobId ?? ''));
};
