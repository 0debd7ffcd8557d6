/**
 * The job state machine (seed 003 §6.2 plus QUEUED for a full agent pool). Every change is
 * a conditional write from one of the states `from` allows, so duplicates do nothing.
 */
import type { StopCause } from '../../../events/container-state.ts';
import { JOB_STATUSES, type JobStatus } from '../../../events/job-state-changed.ts';

export { JOB_STATUSES, type JobStatus };

export const TERMINAL: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'ABORTED']);
export const isTerminal = (s: JobStatus): boolean => TERMINAL.has(s);

/** States in which the job holds an agent (and may have a container). */
export const HOLDS_AGENT: ReadonlySet<JobStatus> = new Set(['LAUNCHING', 'ATTESTING', 'RUNNING']);

/** States in which a container may exist (an attested job's container runs during ATTESTING, before its keys exist). */
export const HAS_CONTAINER: readonly JobStatus[] = ['LAUNCHING', 'ATTESTING', 'RUNNING'];
export const mayHaveContainer = (s: JobStatus): boolean => HAS_CONTAINER.includes(s);

/** States a step message advances; the others wait for the pool, the container or nothing. */
export const STEPPED: ReadonlySet<JobStatus> = new Set(['PENDING', 'PROFILING', 'ALLOCATING', 'LAUNCHING']);

export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  PENDING: ['PROFILING', 'ABORTED', 'FAILED'],
  PROFILING: ['ALLOCATING', 'ABORTED', 'FAILED'],
  ALLOCATING: ['LAUNCHING', 'QUEUED', 'ABORTED', 'FAILED'],
  QUEUED: ['LAUNCHING', 'ABORTED'],
  // COMPLETED straight from LAUNCHING: a short container can stop before its RUNNING event is seen.
  LAUNCHING: ['ATTESTING', 'RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'],
  // An attested job's container runs; its sidecar proves the hardware before the workload gets a key.
  ATTESTING: ['RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'],
  RUNNING: ['COMPLETED', 'FAILED', 'ABORTED'],
  COMPLETED: [],
  FAILED: [],
  ABORTED: [],
};

export const canMove = (from: JobStatus, to: JobStatus): boolean => TRANSITIONS[from].includes(to);

/** Why a job ended, when it did not simply complete. */
export type EndReason =
  | 'cancelled'
  | 'timeout'
  | 'lease_expired'
  | 'launch_failed'
  | 'agent_key_unavailable'
  | 'nonzero_exit'
  | 'oom_killed'
  | 'container_lost'
  | 'profile_changed'
  /** The provider the job ran on went offline (missed heartbeats). */
  | 'provider_offline'
  | 'attestation_failed'
  | 'revoked_session';

/** Abort reasons that end the job FAILED rather than ABORTED (the job could not prove itself). */
/** Aborts that fail the job: a refused gate, and the sidecar's artifact failures (sidecar/artifacts.ts, functions/artifacts). */
const FAILING_ABORTS: ReadonlySet<string> = new Set([
  'attestation_failed',
  'input_not_available',
  'input_download_failed',
  'input_tampered',
  'input_root_mismatch',
  'output_too_large',
  'too_many_outputs',
  'output_upload_failed',
]);

/**
 * The terminal state of a stopped container, decided on the typed stop cause (never on free
 * text). A requested abort (cancel, timeout, lease) wins over the exit code; a clean exit
 * completes; the job's deadline aborts; exit 137 or the kernel's memory kill fails it as
 * out of memory; no exit code at all means the container was lost.
 */
export function outcomeOfStop(
  stop: { exitCode: number | null; stopCause?: StopCause | undefined },
  abortReason: string | undefined,
): { status: JobStatus; reason?: string } {
  if (abortReason) return { status: FAILING_ABORTS.has(abortReason) ? 'FAILED' : 'ABORTED', reason: abortReason };
  if (stop.exitCode === 0) return { status: 'COMPLETED' };
  if (stop.stopCause === 'deadline') return { status: 'ABORTED', reason: 'timeout' };
  if (stop.exitCode === 137 || stop.stopCause === 'out_of_memory') return { status: 'FAILED', reason: 'oom_killed' };
  return { status: 'FAILED', reason: stop.exitCode === null ? 'container_lost' : 'nonzero_exit' };
}
