/**
 * The local sandbox's "ECS Task State Change" events: the same envelope and detail members
 * ECS sends, so the task-event consumer cannot tell the two apart.
 */
import type { DomainEvent } from '../../functions/platform/events.ts';
import { ECS_EVENT_SOURCE, ECS_TASK_STATE_DETAIL_TYPE, WORKLOAD_CONTAINER_NAME, type EcsTaskDetail, type EcsTaskStatus } from '../../events/ecs-task-state.ts';

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_CLUSTER = 'vracu-local';
export const LOCAL_CLUSTER_ARN = `arn:aws:ecs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:cluster/${LOCAL_CLUSTER}`;

export const localTaskArn = (id: string): string => `arn:aws:ecs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:task/${LOCAL_CLUSTER}/${id}`;

export interface TaskSnapshot {
  taskArn: string;
  jobId: string;
  image: string;
  lastStatus: EcsTaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  version: number;
  cpuUnits: number;
  memoryMb: number;
  tags: Record<string, string>;
  exitCode?: number;
  containerReason?: string;
  stopCode?: string;
  stoppedReason?: string;
  createdAt: string;
  startedAt?: string;
  stoppingAt?: string;
  stoppedAt?: string;
  /** Local extension: how the sandbox was isolated and whether its work dir is gone. */
  sandbox: { isolation: 'bwrap' | 'process'; workDirWiped: boolean; memoryLimit: 'cgroup' | 'prlimit' | 'none' };
}

export function taskDetail(t: TaskSnapshot): EcsTaskDetail {
  const containerStatus = t.lastStatus === 'STOPPED' ? 'STOPPED' : t.lastStatus === 'RUNNING' ? 'RUNNING' : 'PENDING';
  return {
    taskArn: t.taskArn,
    clusterArn: LOCAL_CLUSTER_ARN,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    version: t.version,
    startedBy: t.jobId,
    group: 'family:vracu-job',
    launchType: 'LOCAL',
    cpu: String(t.cpuUnits),
    memory: String(t.memoryMb),
    containers: [
      {
        name: WORKLOAD_CONTAINER_NAME,
        image: t.image,
        lastStatus: containerStatus,
        taskArn: t.taskArn,
        ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}),
        ...(t.containerReason ? { reason: t.containerReason } : {}),
      },
    ],
    ...(t.stopCode ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
    createdAt: t.createdAt,
    ...(t.startedAt ? { startedAt: t.startedAt } : {}),
    ...(t.stoppingAt ? { stoppingAt: t.stoppingAt } : {}),
    ...(t.stoppedAt ? { stoppedAt: t.stoppedAt } : {}),
    tags: Object.entries(t.tags).map(([key, value]) => ({ key, value })),
    sandbox: { ...t.sandbox },
  };
}

/** The event as the publisher takes it; the bus adds id, account and region. */
export function taskEvent(t: TaskSnapshot, time: string): DomainEvent {
  return { source: ECS_EVENT_SOURCE, detailType: ECS_TASK_STATE_DETAIL_TYPE, detail: taskDetail(t) as Record<string, unknown>, time };
}
