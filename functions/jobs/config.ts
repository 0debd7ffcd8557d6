/**
 * The jobs context's settings: the environment contract's JobsEnv
 * (functions/definitions/environment.ts), parsed once by whoever composes the context.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { JobsEnv, parseEnv } from '../definitions/environment.ts';
import type { JobLimits, TenantQuota } from './domain/policy.ts';

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
  /** The exchange's URL as job sidecars reach it (attested jobs' handshake). */
  exchangeUrl?: string | undefined;
  /** Default container size (seed: 1 CPU, 2 GB). */
  defaults: { cpuUnits: number; memoryMb: number };
  /** How long after its deadline an agent's lease runs out. */
  leaseGraceMs: number;
  /** A step that has not moved for this long is re-sent by the timeout sweep. */
  staleStepMs: number;
  /** How long a dispatcher's lease on the queue lasts unrenewed (store/dispatch-lease.ts): a dead holder's runs out. */
  dispatchLeaseMs: number;
  /** A stop that has not produced a STOPPED event for this long is checked with describe(). */
  staleStopMs: number;
  /** A staged job event still unpublished after this long is published by the sweep. */
  staleOutboxMs: number;
}

export function loadJobsConfig(env: Readonly<Record<string, string | undefined>>): JobsConfig {
  const e = parseEnv(JobsEnv, env, 'jobs configuration');
  return {
    maxAgents: e.MAX_AGENTS,
    jobTimeoutMs: e.JOB_TIMEOUT_MS,
    dispatcherDir: (e.VAP_DISPATCHER_CONFIG ?? join(homedir(), '.vap', 'dispatcher')).replace(/^~(?=\/|$)/, homedir()),
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
    quota: { maxActiveJobs: e.VRACU_TENANT_MAX_ACTIVE_JOBS, maxActiveGpuMinutes: e.VRACU_TENANT_MAX_ACTIVE_GPU_MINUTES },
    logGroup: e.VRACU_JOB_LOG_GROUP,
    driver: e.VRACU_CONTAINER_DRIVER,
    exchangeUrl: e.VRACU_EXCHANGE_URL,
    defaults: { cpuUnits: 1024, memoryMb: 2048 },
    leaseGraceMs: e.VRACU_JOB_LEASE_GRACE_MS,
    staleStepMs: 90_000,
    dispatchLeaseMs: 30_000,
    staleStopMs: 5 * 60_000,
    staleOutboxMs: 30_000,
  };
}
