/**
 * The jobs context's settings, parsed from the environment by zod once (fails fast, naming
 * the variable). MAX_AGENTS, JOB_TIMEOUT_MS and VAP_DISPATCHER_CONFIG mean what the
 * dispatcher seed says. Tests replace them with `setJobsConfig`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import type { JobLimits, TenantQuota } from './domain/policy.ts';

const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const Schema = z.object({
  MAX_AGENTS: z.coerce.number().int().min(1).max(1000).default(9),
  JOB_TIMEOUT_MS: z.coerce.number().int().min(1000).max(7 * 24 * 3_600_000).default(3_600_000),
  VAP_DISPATCHER_CONFIG: z.string().min(1).default(join(homedir(), '.vap', 'dispatcher')),
  /** Where agent keys live: `local` key files under VAP_DISPATCHER_CONFIG, or `kms`. */
  VRACU_AGENT_SIGNER: z.enum(['local', 'kms']).default('local'),
  /** KMS: an agent without a registered kmsKeyId signs with `<prefix><agent name>`. */
  VRACU_AGENT_KEY_ALIAS_PREFIX: z.string().startsWith('alias/').default('alias/vracu-agent-'),
  VRACU_JOB_IMAGES: list.default(['ghcr.io/vracu/*', 'local/*']),
  VRACU_JOB_MAX_GPUS: z.coerce.number().int().min(0).default(8),
  VRACU_JOB_MAX_SCM_MINUTES: z.coerce.number().int().min(1).default(24 * 60),
  VRACU_JOB_MAX_MEMORY_MB: z.coerce.number().int().min(128).default(30_720),
  VRACU_JOB_MAX_CPU_UNITS: z.coerce.number().int().min(256).default(4096),
  VRACU_TENANT_MAX_ACTIVE_JOBS: z.coerce.number().int().min(1).default(50),
  VRACU_TENANT_MAX_ACTIVE_SCU: z.coerce.number().int().min(1).default(100_000),
  /** CloudWatch log group of job containers (cloud logs). */
  VRACU_JOB_LOG_GROUP: z.string().default('/vracu/jobs'),
  VRACU_CONTAINER_DRIVER: z.enum(['ecs', 'local']).default('local'),
});

export interface JobsConfig {
  maxAgents: number;
  jobTimeoutMs: number;
  dispatcherDir: string;
  signer: 'local' | 'kms';
  agentKeyAliasPrefix: string;
  limits: JobLimits;
  quota: TenantQuota;
  logGroup: string;
  driver: 'ecs' | 'local';
  /** Default container size (seed: 1 CPU, 2 GB). */
  defaults: { cpuUnits: number; memoryMb: number };
  /** A step that has not moved for this long is re-sent by the timeout sweep. */
  staleStepMs: number;
  /** A stop that has not produced a STOPPED event for this long is checked with describe(). */
  staleStopMs: number;
  /** A staged job event still unpublished after this long is published by the sweep. */
  staleOutboxMs: number;
}

export function loadJobsConfig(env: NodeJS.ProcessEnv = process.env): JobsConfig {
  const r = Schema.safeParse(env);
  if (!r.success) throw new Error(`invalid jobs configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  const e = r.data;
  return {
    maxAgents: e.MAX_AGENTS,
    jobTimeoutMs: e.JOB_TIMEOUT_MS,
    dispatcherDir: e.VAP_DISPATCHER_CONFIG.replace(/^~(?=\/|$)/, homedir()),
    signer: e.VRACU_AGENT_SIGNER,
    agentKeyAliasPrefix: e.VRACU_AGENT_KEY_ALIAS_PREFIX,
    limits: {
      allowedImages: e.VRACU_JOB_IMAGES,
      maxGpus: e.VRACU_JOB_MAX_GPUS,
      maxScmMinutes: e.VRACU_JOB_MAX_SCM_MINUTES,
      maxTimeoutMs: e.JOB_TIMEOUT_MS,
      maxMemoryMb: e.VRACU_JOB_MAX_MEMORY_MB,
      maxCpuUnits: e.VRACU_JOB_MAX_CPU_UNITS,
    },
    quota: { maxActiveJobs: e.VRACU_TENANT_MAX_ACTIVE_JOBS, maxActiveScu: e.VRACU_TENANT_MAX_ACTIVE_SCU },
    logGroup: e.VRACU_JOB_LOG_GROUP,
    driver: e.VRACU_CONTAINER_DRIVER,
    defaults: { cpuUnits: 1024, memoryMb: 2048 },
    staleStepMs: 90_000,
    staleStopMs: 5 * 60_000,
    staleOutboxMs: 30_000,
  };
}

let cached: JobsConfig | undefined;
export function jobsConfig(): JobsConfig {
  cached ??= loadJobsConfig();
  return cached;
}
export function setJobsConfig(c: JobsConfig | undefined): void {
  cached = c;
}
