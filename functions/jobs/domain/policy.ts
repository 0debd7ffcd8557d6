/**
 * Submission policy and quotas, pure. Rejections are ordered facts: the image allow-list
 * first, then the limits (GPUs, SCM minutes, runtime, memory, CPU), then quotas; the first
 * failing rule answers and names its field.
 */
import { AppError } from '../../platform/errors.ts';
import type { ResourceProfile, ExecutionPlan } from './plan.ts';

export interface JobLimits {
  /** Image references allowed; an entry ending in `*` is a prefix. */
  allowedImages: string[];
  maxGpus: number;
  maxScmMinutes: number;
  maxTimeoutMs: number;
  maxMemoryMb: number;
  maxCpuUnits: number;
}

export interface TenantQuota {
  maxActiveJobs: number;
  /** Standard compute units: GPU-minutes (numGpus × scmMinutes) over the tenant's active jobs. */
  maxActiveScu: number;
}

export interface Resources {
  cpuUnits: number;
  memoryMb: number;
  timeoutMs: number;
}

/** GPU-minutes; a CPU-only job counts as one GPU-equivalent so it still uses quota. */
export const scuOf = (p: ResourceProfile): number => Math.max(1, p.numGpus) * p.scmMinutes;

export function imageAllowed(image: string, allowed: string[]): boolean {
  return allowed.some((a) => (a.endsWith('*') ? image.startsWith(a.slice(0, -1)) : image === a));
}

const over = (path: string, message: string) => new AppError('policy_denied', `${path}: ${message}`, { issues: [{ path, message }] });

export function checkPolicy(profile: ResourceProfile, plan: ExecutionPlan, res: Resources, limits: JobLimits): void {
  if (!imageAllowed(plan.image, limits.allowedImages)) {
    throw new AppError('image_not_allowed', `image "${plan.image}" is not on the allow-list`, {
      issues: [{ path: 'body.spec.image', message: 'not on the allow-list' }],
      allowed: limits.allowedImages,
    });
  }
  if (profile.numGpus > limits.maxGpus) throw over('body.spec.numGpus', `${profile.numGpus} GPUs exceeds the limit of ${limits.maxGpus}`);
  if (profile.scmMinutes > limits.maxScmMinutes) throw over('body.spec.scmMinutes', `${profile.scmMinutes} SCM minutes exceeds the limit of ${limits.maxScmMinutes}`);
  if (res.timeoutMs > limits.maxTimeoutMs) throw over('body.timeoutMs', `${res.timeoutMs} ms exceeds the limit of ${limits.maxTimeoutMs}`);
  if (res.memoryMb > limits.maxMemoryMb) throw over('body.memoryMb', `${res.memoryMb} MB exceeds the limit of ${limits.maxMemoryMb}`);
  if (res.cpuUnits > limits.maxCpuUnits) throw over('body.cpuUnits', `${res.cpuUnits} CPU units exceeds the limit of ${limits.maxCpuUnits}`);
}

/** Checked again atomically at write time (the tenant counter's condition); this gives the message. */
export function quotaError(active: { jobs: number; scu: number }, add: number, q: TenantQuota): AppError | null {
  if (active.jobs + 1 > q.maxActiveJobs) return new AppError('quota_exceeded', `the tenant already has ${active.jobs} active jobs (limit ${q.maxActiveJobs})`, { quota: 'activeJobs', limit: q.maxActiveJobs });
  if (active.scu + add > q.maxActiveScu) return new AppError('quota_exceeded', `this job's ${add} SCU would exceed the tenant's active SCU limit of ${q.maxActiveScu} (in use ${active.scu})`, { quota: 'activeScu', limit: q.maxActiveScu });
  return null;
}
