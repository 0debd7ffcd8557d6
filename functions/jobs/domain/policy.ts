/**
 * Submission policy and quotas, pure: they return facts, the use case makes them errors.
 * Rejections are ordered: the image allow-list first, then the limits (GPUs, SCM minutes,
 * runtime, memory, CPU), then quotas; the first failing rule answers and names its field.
 */
import type { ResourceProfile, ExecutionPlan } from './plan.ts';

/**
 * A job's quota weight: GPU-minutes, the GPUs it asks for times its scheduled compute
 * minutes (a CPU-only job counts as one GPU, so it still uses quota). An estimate made at
 * submission, not what the market bills (that is SCU, functions/market/domain/units.ts).
 */
export type GpuMinutes = number & { readonly __unit: 'gpu-minutes' };

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
  /** The GPU-minutes of the tenant's active jobs, together. */
  maxActiveGpuMinutes: number;
}

export interface Resources {
  cpuUnits: number;
  memoryMb: number;
  timeoutMs: number;
}

export const gpuMinutesOf = (p: ResourceProfile): GpuMinutes => (Math.max(1, p.numGpus) * p.scmMinutes) as GpuMinutes;

export function imageAllowed(image: string, allowed: string[]): boolean {
  return allowed.some((a) => (a.endsWith('*') ? image.startsWith(a.slice(0, -1)) : image === a));
}

/** The first rule a job breaks: its image is not allowed, or it is over one of the limits. */
export type PolicyViolation =
  | { rule: 'image_not_allowed'; path: 'body.spec.image'; message: string; allowed: string[] }
  | { rule: 'over_limit'; path: string; message: string };

const over = (path: string, message: string): PolicyViolation => ({ rule: 'over_limit', path, message });

export function checkPolicy(profile: ResourceProfile, plan: ExecutionPlan, res: Resources, limits: JobLimits): PolicyViolation | null {
  if (!imageAllowed(plan.image, limits.allowedImages))
    return { rule: 'image_not_allowed', path: 'body.spec.image', message: `image "${plan.image}" is not on the allow-list`, allowed: limits.allowedImages };
  if (profile.numGpus > limits.maxGpus) return over('body.spec.numGpus', `${profile.numGpus} GPUs exceeds the limit of ${limits.maxGpus}`);
  if (profile.scmMinutes > limits.maxScmMinutes)
    return over('body.spec.scmMinutes', `${profile.scmMinutes} SCM minutes exceeds the limit of ${limits.maxScmMinutes}`);
  if (res.timeoutMs > limits.maxTimeoutMs) return over('body.timeoutMs', `${res.timeoutMs} ms exceeds the limit of ${limits.maxTimeoutMs}`);
  if (res.memoryMb > limits.maxMemoryMb) return over('body.memoryMb', `${res.memoryMb} MB exceeds the limit of ${limits.maxMemoryMb}`);
  if (res.cpuUnits > limits.maxCpuUnits) return over('body.cpuUnits', `${res.cpuUnits} CPU units exceeds the limit of ${limits.maxCpuUnits}`);
  return null;
}

/** Which quota a new job would break, if any (checked again atomically at write time; this gives the message). */
export interface QuotaShortfall {
  quota: 'activeJobs' | 'activeGpuMinutes';
  limit: number;
  message: string;
}

export function quotaShortfall(active: { jobs: number; gpuMinutes: number }, add: GpuMinutes, q: TenantQuota): QuotaShortfall | null {
  if (active.jobs + 1 > q.maxActiveJobs)
    return { quota: 'activeJobs', limit: q.maxActiveJobs, message: `the tenant already has ${active.jobs} active jobs (limit ${q.maxActiveJobs})` };
  if (active.gpuMinutes + add > q.maxActiveGpuMinutes) {
    return {
      quota: 'activeGpuMinutes',
      limit: q.maxActiveGpuMinutes,
      message: `this job's ${add} GPU-minutes would exceed the tenant's active limit of ${q.maxActiveGpuMinutes} (in use ${active.gpuMinutes})`,
    };
  }
  return null;
}
