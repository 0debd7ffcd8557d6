/**
 * The container driver port. Two real implementations: ECS (RunTask on Fargate, or a GPU
 * capacity provider) and the local sandbox (bubblewrap, else a child process). Both report
 * state changes as "ECS Task State Change" events (see events/ecs-task-state.ts), which the
 * task-event consumer turns into job transitions and attestations.
 */
import type { ContainerState } from '../../../events/container-state.ts';
import type { NetworkMode } from '../domain/job.ts';

export type { ContainerState, ContainerStatus, StopCause } from '../../../events/container-state.ts';

export interface LaunchSpec {
  jobId: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  /** vCPU in ECS units (1024 = 1 vCPU). */
  cpuUnits: number;
  memoryMb: number;
  gpus: number;
  /** Hard limit; the driver stops the container after this even if no step runs. */
  timeoutMs: number;
  /** `none`: no network at all; `exchange`: egress only to the exchange API. */
  network: NetworkMode;
  /** Tags recorded with the task (ECS tags; locally kept in the state). */
  tags: Record<string, string>;
  /** The sidecar's own variables (an attested job's credential): never visible to the workload. */
  sidecarEnv?: Record<string, string>;
}

export interface LaunchResult {
  /** ECS task ARN, or the local sandbox id. */
  containerId: string;
}

export interface ContainerDriver {
  readonly kind: 'ecs' | 'local';
  launch(spec: LaunchSpec): Promise<LaunchResult>;
  /** Idempotent: stopping a stopped container does nothing. */
  /**
   * Asks the container to stop; its STOPPED event follows. Idempotent. `gone` when the
   * runtime no longer knows the container (it ended long ago, or with a host that is gone):
   * no event will come, so the caller ends the job itself.
   */
  stop(containerId: string, reason: string): Promise<'stopping' | 'gone'>;
  describe(containerId: string): Promise<ContainerState | null>;
  /** What the deletion attestation reports: the volumes wiped and how. */
  readonly dataVolumes: string[];
  readonly deletionMethod: string;
}
