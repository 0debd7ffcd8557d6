/** The taskEvents queue consumer: ECS (or local sandbox) task state changes → job transitions. */
import type { SQSEvent } from 'aws-lambda';
import { logger } from '../../platform/observability.ts';
import { runtime } from '../../platform/runtime.ts';
import { EcsTaskStateChange, toContainerState } from '../../../events/ecs-task-state.ts';
import { consumeRecords } from '../usecases/consume.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { onTaskState } from '../usecases/task-events.ts';

export const handler = async (event: SQSEvent) => {
  const d = jobsDeps(runtime());
  return consumeRecords(event, async (record, body) => {
    const env = EcsTaskStateChange.safeParse(body);
    if (!env.success) {
      logger.error('dropping an invalid task state event', { messageId: record.messageId, issues: env.error.issues });
      return 'invalid';
    }
    return onTaskState(d, toContainerState(env.data));
  }, (body) => String((body as { detail?: { startedBy?: unknown } }).detail?.startedBy ?? ''));
};
