/** The sidecar's settings, from its environment (the contract's SidecarEnv: the task definition and RunTask overrides). */
import { join } from 'node:path';
import { SIDECAR_ENV_PREFIX, SidecarEnv } from '../functions/definitions/environment.ts';
import { SIDECAR_READY_PATH } from '../functions/definitions/job-task.ts';
import type { AttestedSettings } from './privacy/attested.ts';

export { SIDECAR_ENV_PREFIX };

export interface SidecarSettings {
  jobId: string;
  timeoutMs: number;
  workDir: string;
  /** The work dir as the workload sees it (VRACU_WORK_DIR; the sidecar's own view may differ). */
  workloadDir: string;
  wipeDirs: string[];
  stopGraceMs: number;
  /**
   * `run`: the workload is our child (a single-container image built FROM the sidecar's).
   * `watch`: the workload is a container of its own in the task, followed by its metadata.
   */
  mode: { kind: 'run'; command: string[] } | { kind: 'watch'; metadataUri: string; container: string };
  /** Watch mode (ECS): the marker the sidecar's health check tests for, written after the handshake. */
  readyPath?: string;
  /** Attested jobs (a job credential was given): the handshake's settings. */
  privacy?: AttestedSettings & { tsmDir: string; dekPath: string };
  /** Every job with a credential: its inputs and output slots from the exchange (sidecar/job-artifacts.ts). */
  artifacts?: { exchangeUrl: string; credential: string; workloadUid?: number | undefined; inputs?: number | undefined };
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** `argv` is the workload command (what follows `--` on the sidecar's command line). */
export function loadSettings(env: NodeJS.ProcessEnv, argv: string[]): SidecarSettings {
  const parsed = SidecarEnv.safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(`invalid sidecar settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const command = argv[0] === '--' ? argv.slice(1) : argv;
  const e = parsed.data;
  let mode: SidecarSettings['mode'];
  if (command.length > 0 && command[0]) mode = { kind: 'run', command };
  else if (e.ECS_CONTAINER_METADATA_URI_V4)
    mode = { kind: 'watch', metadataUri: e.ECS_CONTAINER_METADATA_URI_V4, container: e.VRACU_SIDECAR_WORKLOAD_CONTAINER };
  else throw new SettingsError('no workload command given (sidecar -- <command> [args...]) and no ECS task metadata endpoint to watch one');
  let privacy: SidecarSettings['privacy'];
  let artifacts: SidecarSettings['artifacts'];
  if (e.VRACU_SIDECAR_JOB_CREDENTIAL) {
    if (!e.VRACU_SIDECAR_EXCHANGE_URL) throw new SettingsError('invalid sidecar settings: VRACU_SIDECAR_EXCHANGE_URL: required with a job credential');
    artifacts = {
      exchangeUrl: e.VRACU_SIDECAR_EXCHANGE_URL,
      credential: e.VRACU_SIDECAR_JOB_CREDENTIAL,
      workloadUid: e.VRACU_SIDECAR_WORKLOAD_UID,
      inputs: e.VRACU_SIDECAR_INPUTS,
    };
  }
  // Attesters name an attested job; a credential without them is a plain job's (artifacts only).
  if (e.VRACU_SIDECAR_JOB_CREDENTIAL && e.VRACU_SIDECAR_EXCHANGE_URL && e.VRACU_SIDECAR_ATTESTERS.length > 0) {
    privacy = {
      exchangeUrl: e.VRACU_SIDECAR_EXCHANGE_URL,
      credential: e.VRACU_SIDECAR_JOB_CREDENTIAL,
      attesters: e.VRACU_SIDECAR_ATTESTERS,
      secretsDir: e.VRACU_SIDECAR_SECRETS_DIR,
      workloadUid: e.VRACU_SIDECAR_WORKLOAD_UID,
      tsmDir: e.VRACU_SIDECAR_TSM_DIR,
      dekPath: join(e.VRACU_SIDECAR_SECRETS_DIR, 'dek'),
    };
  }
  return {
    ...(privacy ? { privacy } : {}),
    ...(mode.kind === 'watch' ? { readyPath: SIDECAR_READY_PATH } : {}),
    ...(artifacts ? { artifacts } : {}),
    jobId: e.VRACU_JOB_ID,
    timeoutMs: e.VRACU_JOB_TIMEOUT_MS,
    workDir: e.VRACU_SIDECAR_WORK_DIR ?? e.VRACU_WORK_DIR,
    workloadDir: e.VRACU_WORK_DIR,
    wipeDirs: e.VRACU_SIDECAR_WIPE_DIRS ?? [e.VRACU_SIDECAR_WORK_DIR ?? e.VRACU_WORK_DIR],
    stopGraceMs: e.VRACU_SIDECAR_STOP_GRACE_MS,
    mode,
  };
}

/** The workload's environment: the task's, minus everything meant for the sidecar alone. */
export function workloadEnv(env: NodeJS.ProcessEnv, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith(SIDECAR_ENV_PREFIX)) out[k] = v;
  return { ...out, ...extra };
}
