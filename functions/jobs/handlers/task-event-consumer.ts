/** The taskEvents queue consumer: ECS (or local sandbox) task state changes → job transitions, one container's events in order. */
import { sqsConsumer } from '../../platform/consumer.ts';
import { EcsTaskStateChange, toContainerState } from '../../../events/ecs-task-state.ts';
import { jobsContext } from '../deps.ts';
import { onTaskState } from '../usecases/task-events.ts';

export const handler = sqsConsumer(
  jobsContext,
  EcsTaskStateChange,
  (d, event) => onTaskState(d, toContainerState(event)),
  (event) => event.detail.startedBy,
);
