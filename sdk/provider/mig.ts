/**
 * The MIG manager: makes a GPU hold exactly `count` GPU instances of `profile`, idempotently —
 * MIG mode on (if off), instances of another profile destroyed (their compute instances first),
 * the missing ones created (each with its default compute instance, `-C`). A second run with the
 * same wish runs only the queries. Every command goes through the SmiRunner seam.
 */
import { LIST_GIS, parseGpuCsv, parseGpuInstances, QUERY_GPUS, type GpuInstance, type SmiRunner } from './nvidia-smi.ts';

export interface MigStatus {
  gpu: number;
  model: string;
  migMode: boolean;
  instances: GpuInstance[];
}

export async function migQuery(smi: SmiRunner, gpu?: number): Promise<MigStatus[]> {
  const gpus = parseGpuCsv(await smi(QUERY_GPUS)).filter((g) => gpu === undefined || g.index === gpu);
  const instances = gpus.some((g) => g.migMode) ? parseGpuInstances(await smi(LIST_GIS)) : [];
  return gpus.map((g) => ({ gpu: g.index, model: g.model, migMode: g.migMode, instances: instances.filter((i) => i.gpu === g.index) }));
}

export interface MigPlan {
  enable: boolean;
  destroy: GpuInstance[];
  create: number;
}

/** What to do, from what is there (pure). */
export function planMig(status: MigStatus, profile: string, count: number): MigPlan {
  const wrong = status.instances.filter((i) => i.profile !== profile);
  const right = status.instances.filter((i) => i.profile === profile);
  // Too many of the right profile: destroy the newest (highest instance id) beyond the count.
  const surplus = right.sort((a, b) => a.instanceId - b.instanceId).slice(count);
  return { enable: !status.migMode, destroy: [...wrong, ...surplus], create: Math.max(0, count - (right.length - surplus.length)) };
}

export interface MigResult {
  gpu: number;
  enabled: boolean;
  destroyed: number[];
  created: number;
  instances: GpuInstance[];
}

export async function configureMig(smi: SmiRunner, o: { gpu: number; profile: string; count: number }): Promise<MigResult> {
  if (!/^[0-9]+g\.[0-9]+gb(\+[a-z]+)?$/.test(o.profile)) throw new Error(`not a MIG profile name: ${o.profile} (for example 1g.10gb)`);
  if (!Number.isInteger(o.count) || o.count < 0 || o.count > 7) throw new Error('count must be 0 to 7');
  const [status] = await migQuery(smi, o.gpu);
  if (!status) throw new Error(`no GPU ${o.gpu}`);
  const plan = planMig(status, o.profile, o.count);
  const gi = String(o.gpu);
  if (plan.enable) await smi(['-i', gi, '-mig', '1']);
  for (const inst of plan.destroy) {
    await smi(['mig', '-i', gi, '-gi', String(inst.instanceId), '-dci']);
    await smi(['mig', '-i', gi, '-gi', String(inst.instanceId), '-dgi']);
  }
  if (plan.create > 0) await smi(['mig', '-i', gi, '-cgi', Array(plan.create).fill(o.profile).join(','), '-C']);
  const changed = plan.enable || plan.destroy.length > 0 || plan.create > 0;
  const after = changed ? (await migQuery(smi, o.gpu))[0]! : status;
  return { gpu: o.gpu, enabled: plan.enable, destroyed: plan.destroy.map((i) => i.instanceId), created: plan.create, instances: after.instances };
}
