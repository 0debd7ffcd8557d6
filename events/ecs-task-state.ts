/**
 * The EventBridge "ECS Task State Change" event. ECS publishes it in the cloud; the local
 * sandbox driver publishes the same shape, so one consumer serves both. AWS adds detail
 * members over time, so unknown members pass through instead of failing the parse.
 */
import * as z from 'zod';
import { SIDECAR_CONTAINER_NAME, WORKLOAD_CONTAINER_NAME } from '../functions/definitions/job-task.ts';
import type { ContainerState, ContainerStatus, StopCause } from './container-state.ts';

export const ECS_EVENT_SOURCE = 'aws.ecs';
export const ECS_TASK_STATE_DETAIL_TYPE = 'ECS Task State Change';

/** Task statuses ECS reports (Fargate adds the provisioning ones). */
export const EcsTaskStatus = z.enum(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'DELETED']);
export type EcsTaskStatus = z.infer<typeof EcsTaskStatus>;

export const EcsContainer = z.looseObject({
  name: z.string().min(1),
  lastStatus: z.string().min(1),
  exitCode: z.number().int().optional(),
  reason: z.string().optional(),
});

export const EcsTaskDetail = z.looseObject({
  taskArn: z.string().min(1),
  clusterArn: z.string().min(1),
  lastStatus: EcsTaskStatus,
  desiredStatus: z.string().min(1),
  /** Increases with every change of the task; the highest wins. */
  version: z.number().int().nonnegative(),
  /** The job id: RunTask is called with startedBy = job id. */
  startedBy: z.string().min(1),
  group: z.string().optional(),
  containers: z.array(EcsContainer),
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  createdAt: z.string().optional(),
  startedAt: z.string().optional(),
  stoppingAt: z.string().optional(),
  stoppedAt: z.string().optional(),
  tags: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
});
export type EcsTaskDetail = z.infer<typeof EcsTaskDetail>;

export const EcsTaskStateChange = z.object({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.literal(ECS_TASK_STATE_DETAIL_TYPE),
  source: z.literal(ECS_EVENT_SOURCE),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: EcsTaskDetail,
});
export type EcsTaskStateChange = z.infer<typeof EcsTaskStateChange>;

export { SIDECAR_CONTAINER_NAME, WORKLOAD_CONTAINER_NAME };
/** The sidecar's exit code when the job's deadline ended the workload. */
export const SIDECAR_EXIT_TIMEOUT = 124;

/** ECS's container reason when the kernel killed it for memory (exit 137). */
export const OOM_CONTAINER_REASON = 'OutOfMemoryError: Container killed due to memory usage';

/**
 * The port's five statuses: ECS's transient ones fold into the nearest (ACTIVATING is still
 * pending, DEACTIVATING and STOPPING are on the way down, DELETED is stopped).
 */
export function toContainerStatus(s: EcsTaskStatus): ContainerStatus {
  switch (s) {
    case 'PROVISIONING':
      return 'PROVISIONING';
    case 'PENDING':
    case 'ACTIVATING':
      return 'PENDING';
    case 'RUNNING':
      return 'RUNNING';
    case 'DEACTIVATING':
    case 'STOPPING':
    case 'DEPROVISIONING':
      return 'DEPROVISIONING';
    case 'STOPPED':
    case 'DELETED':
      return 'STOPPED';
  }
}

/**
 * The stop reason the local sandbox gives when its own timer (the job's hard limit) stopped
 * the task, as StopTask's reason: the runtime's counterpart of the sidecar's exit 124.
 */
export const DEADLINE_STOP_REASON = 'timeout';

function stopCauseOf(d: EcsTaskDetail, exitCode: number | undefined): StopCause {
  if (d.containers.some((c) => c.reason?.startsWith('OutOfMemoryError'))) return 'out_of_memory';
  // The sidecar exits 124 when its own deadline ended the job (sidecar/sidecar.ts).
  const sidecarDeadline = d.containers.some((c) => c.name === SIDECAR_CONTAINER_NAME && c.exitCode === SIDECAR_EXIT_TIMEOUT);
  if (d.stopCode !== 'UserInitiated' && sidecarDeadline) return 'deadline';
  if (d.stopCode === 'UserInitiated') return d.stoppedReason === DEADLINE_STOP_REASON ? 'deadline' : 'stop_requested';
  if (d.stopCode === 'TaskFailedToStart') return 'failed_to_start';
  return exitCode === undefined ? 'lost' : 'exited';
}

const STOP_TEXT: Partial<Record<StopCause, string>> = { out_of_memory: 'OutOfMemory', deadline: 'timeout' };

/**
 * The one reader of a task (from an event, or DescribeTasks) into the port's state. The exit
 * code is the workload container's, else the sidecar's (it exits with the workload's code),
 * else the first container reporting one. Why it stopped is a typed `stopCause`; an
 * out-of-memory kill (a container reason under a generic task reason) and a deadline read
 * as `OutOfMemory` and `timeout` in the free-text reason too, so the job records why.
 */
export function detailToContainerState(d: EcsTaskDetail): ContainerState {
  const withExit = d.containers.filter((c) => c.exitCode !== undefined);
  const job =
    withExit.find((c) => c.name === WORKLOAD_CONTAINER_NAME) ?? withExit.find((c) => c.name === SIDECAR_CONTAINER_NAME) ?? withExit[0] ?? d.containers[0];
  const lastStatus = toContainerStatus(d.lastStatus);
  const stopCause = lastStatus === 'STOPPED' ? stopCauseOf(d, job?.exitCode) : undefined;
  const stoppedReason = (stopCause && STOP_TEXT[stopCause]) ?? d.stoppedReason;
  return {
    containerId: d.taskArn,
    jobId: d.startedBy,
    lastStatus,
    version: d.version,
    ...(job?.exitCode !== undefined ? { exitCode: job.exitCode } : {}),
    ...(stopCause ? { stopCause } : {}),
    ...(d.stopCode ? { stopCode: d.stopCode } : {}),
    ...(stoppedReason ? { stoppedReason } : {}),
    ...(d.createdAt ? { createdAt: d.createdAt } : {}),
    ...(d.startedAt ? { startedAt: d.startedAt } : {}),
    ...(d.stoppedAt ? { stoppedAt: d.stoppedAt } : {}),
  };
}

export function toContainerState(event: EcsTaskStateChange): ContainerState {
  return detailToContainerState(event.detail);
}

/** Parses an untrusted event (for example an SQS body); throws a ZodError naming the field. */
export function parseEcsTaskStateChange(raw: unknown): EcsTaskStateChange {
  return EcsTaskStateChange.parse(raw);
}
