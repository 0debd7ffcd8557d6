/**
 * The part of an "ECS Task State Change" event the job lifecycle reads (the local sandbox
 * publishes the same shape). Parsed loosely: ECS adds fields over time.
 */
import * as z from 'zod';

const Detail = z.looseObject({
  taskArn: z.string().min(1),
  lastStatus: z.string().min(1),
  desiredStatus: z.string().optional(),
  version: z.coerce.number().int().min(0),
  startedBy: z.string().optional(),
  containers: z.array(z.looseObject({ name: z.string().optional(), exitCode: z.number().int().nullable().optional(), reason: z.string().nullable().optional() })).default([]),
  stopCode: z.string().nullable().optional(),
  stoppedReason: z.string().nullable().optional(),
  createdAt: z.string().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  stoppedAt: z.string().nullable().optional(),
});

export const TaskStateEnvelope = z.looseObject({
  source: z.string(),
  'detail-type': z.literal('ECS Task State Change'),
  detail: Detail,
});

export interface TaskState {
  containerId: string;
  jobId: string | undefined;
  lastStatus: string;
  version: number;
  exitCode: number | null;
  stopCode?: string | undefined;
  stoppedReason?: string | undefined;
  createdAt?: string | undefined;
  startedAt?: string | undefined;
  stoppedAt?: string | undefined;
}

/** The workload's exit code: the essential container's (named `workload`), else the first known. */
export function toTaskState(env: z.infer<typeof TaskStateEnvelope>): TaskState {
  const d = env.detail;
  const workload = d.containers.find((c) => c.name === 'workload') ?? d.containers.find((c) => typeof c.exitCode === 'number') ?? d.containers[0];
  // The container's own reason (OutOfMemoryError, ...) says more than the task's.
  const reason = workload?.reason ?? d.stoppedReason ?? undefined;
  return {
    containerId: d.taskArn,
    jobId: d.startedBy,
    lastStatus: d.lastStatus,
    version: d.version,
    exitCode: typeof workload?.exitCode === 'number' ? workload.exitCode : null,
    stopCode: d.stopCode ?? undefined,
    stoppedReason: reason ?? undefined,
    createdAt: d.createdAt ?? undefined,
    startedAt: d.startedAt ?? undefined,
    stoppedAt: d.stoppedAt ?? undefined,
  };
}
