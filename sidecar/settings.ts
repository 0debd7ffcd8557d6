/** The sidecar's settings, from its environment (the task definition and RunTask overrides). */
import * as z from 'zod';

/** Variables for the sidecar alone: never passed on to the workload. */
export const SIDECAR_ENV_PREFIX = 'VRACU_SIDECAR_';

const Schema = z.object({
  VRACU_JOB_ID: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a job id'),
  /** The workload's hard limit, counted from the sidecar's start. */
  VRACU_JOB_TIMEOUT_MS: z.coerce.number().int().positive().default(3_600_000),
  /** Where the job's files live (a volume in the task). */
  VRACU_WORK_DIR: z.string().startsWith('/').default('/app/job'),
  /** Directories whose contents are wiped after the workload (comma-separated). */
  VRACU_SIDECAR_WIPE_DIRS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.string().startsWith('/', 'must be absolute paths')).optional()),
  /** After SIGTERM, the workload gets this long before SIGKILL. */
  VRACU_SIDECAR_STOP_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
  /** Watch mode: the workload's container name in the task. */
  VRACU_SIDECAR_WORKLOAD_CONTAINER: z.string().min(1).default('workload'),
  /** Set by ECS in every container: the task metadata endpoint (v4). */
  ECS_CONTAINER_METADATA_URI_V4: z.url().optional(),
});

export interface SidecarSettings {
  jobId: string;
  timeoutMs: number;
  workDir: string;
  wipeDirs: string[];
  stopGraceMs: number;
  /**
   * `run`: the workload is our child (a single-container image built FROM the sidecar's).
   * `watch`: the workload is a container of its own in the task, followed by its metadata.
   */
  mode: { kind: 'run'; command: string[] } | { kind: 'watch'; metadataUri: string; container: string };
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** `argv` is the workload command (what follows `--` on the sidecar's command line). */
export function loadSettings(env: NodeJS.ProcessEnv, argv: string[]): SidecarSettings {
  const parsed = Schema.safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(`invalid sidecar settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const command = argv[0] === '--' ? argv.slice(1) : argv;
  const e = parsed.data;
  let mode: SidecarSettings['mode'];
  if (command.length > 0 && command[0]) mode = { kind: 'run', command };
  else if (e.ECS_CONTAINER_METADATA_URI_V4) mode = { kind: 'watch', metadataUri: e.ECS_CONTAINER_METADATA_URI_V4, container: e.VRACU_SIDECAR_WORKLOAD_CONTAINER };
  else throw new SettingsError('no workload command given (sidecar -- <command> [args...]) and no ECS task metadata endpoint to watch one');
  return {
    jobId: e.VRACU_JOB_ID,
    timeoutMs: e.VRACU_JOB_TIMEOUT_MS,
    workDir: e.VRACU_WORK_DIR,
    wipeDirs: e.VRACU_SIDECAR_WIPE_DIRS ?? [e.VRACU_WORK_DIR],
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
