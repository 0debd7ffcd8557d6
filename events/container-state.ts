/**
 * A job container's state as the container driver port reports it, whichever runtime runs
 * it (ECS in the cloud, the local sandbox). Read from "ECS Task State Change" events and
 * from DescribeTasks by the one reader in ecs-task-state.ts.
 */

/** The five statuses the exchange tells apart; ECS's transient ones fold into the nearest. */
export type ContainerStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEPROVISIONING' | 'STOPPED';

/**
 * Why a stopped container stopped, as far as its runtime can tell:
 * - `exited`: the workload ended on its own (`exitCode` says how);
 * - `deadline`: the job's hard time limit ended it (the sidecar's exit 124 in ECS, the
 *   sandbox's own timer locally);
 * - `out_of_memory`: the kernel killed it for memory;
 * - `stop_requested`: someone called StopTask (the exchange: its reason is in `stoppedReason`);
 * - `failed_to_start`: it never ran;
 * - `lost`: the runtime knows no exit code for it.
 */
export type StopCause = 'exited' | 'deadline' | 'out_of_memory' | 'stop_requested' | 'failed_to_start' | 'lost';

export interface ContainerState {
  containerId: string;
  jobId: string;
  lastStatus: ContainerStatus;
  /** Monotonic per container; the highest version wins when events arrive out of order. */
  version: number;
  exitCode?: number;
  /** Set once STOPPED. */
  stopCause?: StopCause;
  stopCode?: string;
  /** Free text for people and the deletion attestation; decisions use `stopCause`. */
  stoppedReason?: string;
  createdAt?: string;
  startedAt?: string;
  stoppedAt?: string;
}
