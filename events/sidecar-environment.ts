/**
 * The sidecar's environment: the message the exchange sends each job container (the task
 * definition's values plus the RunTask container overrides the ECS driver writes), parsed
 * by the sidecar at start. Part of the environment contract (functions/definitions/environment.ts).
 */
import * as z from 'zod';
import { WORKLOAD_CONTAINER_NAME } from '../functions/definitions/job-task.ts';

/** Variables for the sidecar alone: never passed on to the workload. */
export const SIDECAR_ENV_PREFIX = 'VRACU_SIDECAR_';

/** The sidecar in each job container (its task definition and the RunTask overrides). */
export const SidecarEnv = z.object({
  VRACU_JOB_ID: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a job id'),
  /** The workload's hard limit, counted from the sidecar's start. */
  VRACU_JOB_TIMEOUT_MS: z.coerce.number().int().positive().default(3_600_000),
  /** Where the job's files live (a volume in the task). */
  VRACU_WORK_DIR: z.string().startsWith('/').default('/app/job'),
  /**
   * Where the sidecar itself finds the job's files, when its view differs from the workload's
   * (the local sandbox under bubblewrap: the workload sees /work, the sidecar the host dir).
   * Unset: VRACU_WORK_DIR. Like every VRACU_SIDECAR_* variable, the workload never sees it.
   */
  VRACU_SIDECAR_WORK_DIR: z.string().startsWith('/').optional(),
  /** Directories whose contents are wiped after the workload (comma-separated). */
  VRACU_SIDECAR_WIPE_DIRS: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined,
    )
    .pipe(z.array(z.string().startsWith('/', 'must be absolute paths')).optional()),
  /** After SIGTERM, the workload gets this long before SIGKILL. */
  VRACU_SIDECAR_STOP_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
  /** Watch mode: the workload's container name in the task. */
  VRACU_SIDECAR_WORKLOAD_CONTAINER: z.string().min(1).default(WORKLOAD_CONTAINER_NAME),
  /** The job credential (random, one job and container, expires with the job): the privacy routes (attested jobs) and the artifacts routes (every job). */
  VRACU_SIDECAR_JOB_CREDENTIAL: z
    .string()
    .regex(/^vj_[A-Za-z0-9_-]{43}$/, 'must be a job credential')
    .optional(),
  /** How many inputs the job names (set at launch; their limit is VRACU_JOB_MAX_INPUTS): with none, a plain job's sidecar asks for its output slots while the workload runs, not before. */
  VRACU_SIDECAR_INPUTS: z.coerce.number().int().min(0).optional(),
  /** The exchange API the sidecar's handshake and artifacts calls talk to (with a job credential). */
  VRACU_SIDECAR_EXCHANGE_URL: z.url().optional(),
  /** Attested jobs: the attesters whose evidence the handshake carries (comma-separated). */
  VRACU_SIDECAR_ATTESTERS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : []))
    .pipe(z.array(z.enum(['snp', 'tdx', 'nvidia', 'development']))),
  /** Where the DEK (and later the TLS bundle) is written: a volume of its own, never the job's data volume. */
  VRACU_SIDECAR_SECRETS_DIR: z.string().startsWith('/').default('/run/vracu/secrets'),
  /** The workload's uid when it differs from the sidecar's: secret files are given to it (mode 0600). */
  VRACU_SIDECAR_WORKLOAD_UID: z.coerce.number().int().min(0).optional(),
  /** Where CPU evidence comes from: Linux configfs-tsm (SEV-SNP and TDX guests). */
  VRACU_SIDECAR_TSM_DIR: z.string().startsWith('/').default('/sys/kernel/config/tsm/report'),
  /** Set by ECS in every container: the task metadata endpoint (v4). */
  ECS_CONTAINER_METADATA_URI_V4: z.url().optional(),
});
export type SidecarEnv = z.output<typeof SidecarEnv>;

/** The sidecar's environment for one job (what the ECS driver puts in its container overrides). */
export function sidecarEnvironment(v: { jobId: string; timeoutMs: number; workloadContainer: string; wipeDirs: readonly string[] }): Record<string, string> {
  return {
    VRACU_JOB_ID: v.jobId,
    VRACU_JOB_TIMEOUT_MS: String(v.timeoutMs),
    VRACU_SIDECAR_WORKLOAD_CONTAINER: v.workloadContainer,
    VRACU_SIDECAR_WIPE_DIRS: v.wipeDirs.join(','),
  };
}

/** A job's sidecar: its credential, an attested job's attesters, and where the exchange is (merged into its overrides at launch). */
export function sidecarCredentialEnvironment(v: {
  credential: string;
  attesters: readonly string[];
  exchangeUrl?: string | undefined;
  inputs: number;
}): Record<string, string> {
  return {
    VRACU_SIDECAR_JOB_CREDENTIAL: v.credential,
    VRACU_SIDECAR_INPUTS: String(v.inputs),
    ...(v.attesters.length ? { VRACU_SIDECAR_ATTESTERS: v.attesters.join(',') } : {}),
    ...(v.exchangeUrl ? { VRACU_SIDECAR_EXCHANGE_URL: v.exchangeUrl } : {}),
  };
}
