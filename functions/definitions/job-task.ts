/**
 * The shape of a job's task: its two containers, its volumes, its log streams. One
 * definition read by CDK (the task definitions), the ECS driver (the overrides), the
 * task-state reader (which container's exit code counts), the local sandbox (the same
 * shape) and the sidecar (what it wipes).
 */

/** The job task's containers: the workload, and the sidecar next to it. */
export const WORKLOAD_CONTAINER_NAME = 'workload';
export const SIDECAR_CONTAINER_NAME = 'sidecar';

/** Volumes of a job task: task-scoped ephemeral storage, gone with the task. */
export const JOB_TASK_VOLUMES = {
  /** The job's files, shared by sidecar and workload. */
  job: { name: 'job', path: '/app/job' },
  /** The workload's /tmp; the sidecar sees it at /app/scratch. */
  scratch: { name: 'scratch', workloadPath: '/tmp', sidecarPath: '/app/scratch' },
  /** The sidecar's own /tmp (its root is read-only). */
  sidecarTmp: { name: 'sidecar-tmp', path: '/tmp' },
} as const;

/** What the sidecar wipes after the workload: every volume the workload could write. */
export const SIDECAR_WIPE_DIRS: readonly string[] = [JOB_TASK_VOLUMES.job.path, JOB_TASK_VOLUMES.scratch.sidecarPath];

/** awslogs stream prefix of job containers: streams are `<prefix>/<container>/<task id>`. */
export const JOB_LOG_STREAM_PREFIX = 'jobs';

/**
 * The sidecar's readiness marker, on its own /tmp: written once the handshake is done (at once
 * for a job without privacy). Its ECS health check tests for it, and the workload container
 * starts only when the sidecar is HEALTHY, so no workload runs before its keys exist.
 */
export const SIDECAR_READY_PATH = `${JOB_TASK_VOLUMES.sidecarTmp.path}/vracu-sidecar.ready`;
