/**
 * Submission (seed 003 §6.1): adapter → profile and plan → policy → quota → persist as
 * PENDING → first step. Preflight runs the same pipeline and persists nothing.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { loadAdapter } from '../adapters/registry.ts';
import type { JobsConfig } from '../config.ts';
import { jobHash } from '../domain/attestation.ts';
import { jobDocument, type Job, type JobResources, type NetworkMode } from '../domain/job.ts';
import type { ExecutionPlan, ResourceProfile } from '../domain/plan.ts';
import { checkPolicy, quotaError, scuOf } from '../domain/policy.ts';
import { createJob, getIdempotency, getJob, tenantUsage } from '../store/job-store.ts';
import { replayOrReject, requestHash } from '../../platform/idempotency.ts';
import type { JobsDeps } from '../deps.ts';
import { advance, jobEvent, publishStaged, sendSteps } from './notify.ts';

export interface SubmitInput {
  adapter: string;
  spec: Record<string, unknown>;
  timeoutMs?: number | undefined;
  memoryMb?: number | undefined;
  cpuUnits?: number | undefined;
  network?: NetworkMode | undefined;
}

export interface Prepared {
  adapter: string;
  profile: ResourceProfile;
  plan: ExecutionPlan;
  resources: JobResources;
  scu: number;
}

/** Pure: the adapter, the defaults (1 vCPU, 2 GB, JOB_TIMEOUT_MS, no network) and the policy. */
export function prepareJob(input: SubmitInput, cfg: JobsConfig): Prepared {
  const adapter = loadAdapter(input.adapter);
  const { profile, plan } = adapter.prepare(input.spec);
  const resources: JobResources = {
    cpuUnits: input.cpuUnits ?? cfg.defaults.cpuUnits,
    memoryMb: input.memoryMb ?? cfg.defaults.memoryMb,
    timeoutMs: input.timeoutMs ?? cfg.jobTimeoutMs,
    network: input.network ?? 'none',
  };
  checkPolicy(profile, plan, resources, cfg.limits);
  return { adapter: adapter.name, profile, plan, resources, scu: scuOf(profile) };
}

/** Same key and payload → the job it made; same key and another payload → a rejection. */
async function replay(d: JobsDeps, tenant: string, key: string, hash: string): Promise<Job | null> {
  const rec = await getIdempotency(d.store, tenant, key);
  const jobId = replayOrReject(rec && { requestHash: rec.requestHash, result: rec.jobId }, hash, 'this Idempotency-Key');
  if (!jobId) return null;
  const job = await getJob(d.store, jobId);
  if (!job) throw new Error(`idempotency record points at missing job ${jobId}`);
  return job;
}

const IDEMPOTENCY_TTL_SEC = 24 * 3600;

export async function submitJob(d: JobsDeps, principal: Principal, input: SubmitInput, idempotencyKey?: string): Promise<Job> {
  const hash = requestHash(input);
  if (idempotencyKey) {
    const earlier = await replay(d, principal.tenant, idempotencyKey, hash);
    if (earlier) return earlier;
  }
  const p = prepareJob(input, d.cfg);
  const now = d.rt.clock.nowMs();
  const jobId = d.rt.ids.next('job');
  const base = { jobId, adapter: p.adapter, spec: input.spec, profile: p.profile, plan: p.plan, resources: p.resources };
  const job: Job = {
    ...base,
    tenant: principal.tenant,
    ownerId: principal.id,
    scu: p.scu,
    jobHash: jobHash(jobDocument(base)),
    status: 'PENDING',
    createdAt: isoAt(now),
    updatedAtMs: now,
  };
  const idem = idempotencyKey ? { key: idempotencyKey, requestHash: hash, ttlSec: Math.floor(now / 1000) + IDEMPOTENCY_TTL_SEC } : undefined;
  const event = jobEvent(d, job, null, 'PENDING', { adapter: job.adapter });
  const failed = await createJob(d.store, job, d.cfg.quota, idem, event);
  if (failed === 'idempotency') return (await replay(d, principal.tenant, idempotencyKey!, hash))!;
  if (failed === 'quota') {
    throw quotaError(await tenantUsage(d.store, principal.tenant), p.scu, d.cfg.quota) ?? quotaError({ jobs: d.cfg.quota.maxActiveJobs, scu: 0 }, p.scu, d.cfg.quota)!;
  }
  await publishStaged(d, [event]);
  await sendSteps(d, [advance(jobId, 'PENDING')]);
  return job;
}
