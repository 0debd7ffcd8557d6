/**
 * Submission (seed 003 §6.1): adapter → profile and plan → policy → quota → persist as
 * PENDING → first step. Preflight runs the same pipeline and persists nothing.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { loadAdapter } from '../domain/adapters/registry.ts';
import type { JobsConfig } from '../config.ts';
import { jobHash } from '../domain/attestation.ts';
import { jobDocument, type Job, type JobInputRef, type JobPrivacy, type JobResources, type NetworkMode } from '../domain/job.ts';
import type { ExecutionPlan, ResourceProfile } from '../domain/plan.ts';
import { checkPolicy, gpuMinutesOf, quotaShortfall, type GpuMinutes, type PolicyViolation, type QuotaShortfall } from '../domain/policy.ts';
import { SpecError, UnknownAdapterError } from '../domain/spec-errors.ts';
import type { AppError } from '../../platform/errors.ts';
import { jobsError } from '../errors.ts';
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
  /** Absent: the `ephemeral-container` tier. */
  privacy?: JobPrivacy | undefined;
  inputs?: JobInputRef[] | undefined;
}

export interface Prepared {
  adapter: string;
  profile: ResourceProfile;
  plan: ExecutionPlan;
  resources: JobResources;
  gpuMinutes: GpuMinutes;
  privacy?: JobPrivacy;
}

/** The API's answer to what an adapter found wrong (the domain says it as facts). Other errors pass. */
export function specRejection(e: unknown): unknown {
  if (e instanceof SpecError) return jobsError('invalid_spec', e.message, { issues: e.issues });
  if (e instanceof UnknownAdapterError) {
    return jobsError('unknown_adapter', e.path === 'body.adapter' ? e.message : `${e.path}: ${e.message}`, {
      known: e.known,
      issues: [{ path: e.path, message: 'unknown adapter' }],
    });
  }
  return e;
}

export function policyRejection(v: PolicyViolation): AppError {
  if (v.rule === 'image_not_allowed')
    return jobsError('image_not_allowed', v.message, { issues: [{ path: v.path, message: 'not on the allow-list' }], allowed: v.allowed });
  return jobsError('policy_denied', `${v.path}: ${v.message}`, { issues: [{ path: v.path, message: v.message }] });
}

export const quotaRejection = (q: QuotaShortfall): AppError => jobsError('quota_exceeded', q.message, { quota: q.quota, limit: q.limit });

/** Pure: the adapter, the defaults (1 vCPU, 2 GB, JOB_TIMEOUT_MS, no network) and the policy. */
export function prepareJob(input: SubmitInput, cfg: JobsConfig): Prepared {
  let adapter;
  let prepared;
  try {
    adapter = loadAdapter(input.adapter);
    prepared = adapter.prepare(input.spec);
  } catch (e) {
    throw specRejection(e);
  }
  const { profile, plan } = prepared;
  const resources: JobResources = {
    cpuUnits: input.cpuUnits ?? cfg.defaults.cpuUnits,
    memoryMb: input.memoryMb ?? cfg.defaults.memoryMb,
    timeoutMs: input.timeoutMs ?? cfg.jobTimeoutMs,
    network: input.network ?? 'none',
  };
  const violation = checkPolicy(profile, plan, resources, cfg.limits);
  if (violation) throw policyRejection(violation);
  // One spelling of a requirement: each attester once, in a fixed order (the job hash covers it).
  const privacy: JobPrivacy | undefined = input.privacy && { tier: 'attested', attesters: [...new Set(input.privacy.attesters)].sort() };
  return { adapter: adapter.name, profile, plan, resources, gpuMinutes: gpuMinutesOf(profile), ...(privacy ? { privacy } : {}) };
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
  const base = {
    jobId,
    adapter: p.adapter,
    spec: input.spec,
    profile: p.profile,
    plan: p.plan,
    resources: p.resources,
    ...(p.privacy ? { privacy: p.privacy } : {}),
    ...(input.inputs?.length ? { inputs: input.inputs } : {}),
  };
  const job: Job = {
    ...base,
    tenant: principal.tenant,
    ownerId: principal.id,
    gpuMinutes: p.gpuMinutes,
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
    // The guard decided; the counters say which quota (a concurrent end may have freed it since: then the count).
    const short =
      quotaShortfall(await tenantUsage(d.store, principal.tenant), p.gpuMinutes, d.cfg.quota) ??
      quotaShortfall({ jobs: d.cfg.quota.maxActiveJobs, gpuMinutes: 0 }, p.gpuMinutes, d.cfg.quota)!;
    throw quotaRejection(short);
  }
  await publishStaged(d, [event]);
  await sendSteps(d, [advance(jobId, 'PENDING')]);
  return job;
}
