/**
 * The MIG manager: makes a GPU hold exactly `count` GPU instances of `profile`, idempotently —
 * MIG mode on (if off; a mode change left pending, which wants a GPU reset, is an error), instances
 * of another profile destroyed (their compute instances first), the missing ones created
 * (`-cgi`, then one default compute instance on each new GPU instance, `-cci -gi <ids>`: the two
 * commands whose real output is recorded in test/fixtures/nvidia-smi/SOURCE.md). What nvidia-smi
 * says it did is checked against what was asked. A second run with the same wish runs only the
 * queries. Every command goes through the SmiRunner seam.
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

/** `Enabled MIG Mode for GPU 00000000:10:1C.0` / `All done.`; a warning of a pending state means nothing changed yet. */
export function checkMigEnabled(out: string, gpu: number): void {
  const pending = /^Warning: MIG mode is in pending enable state.*$/m.exec(out);
  if (pending)
    throw new Error(`GPU ${gpu}: MIG mode is pending, not on; reset the GPU (nvidia-smi -i ${gpu} -r) or reboot, then run this again (${pending[0]})`);
  if (!/^Enabled MIG Mode for GPU /m.test(out))
    throw new Error(`GPU ${gpu}: nvidia-smi -mig 1 did not say MIG mode is enabled: ${out.trim().slice(0, 200) || '(no output)'}`);
}

/** `Successfully created GPU instance ID  9 on GPU  0 using profile MIG 1g.5gb (ID 19)` → the ids, in the order printed. */
export function parseCreatedGpuInstances(out: string): { instanceId: number; gpu: number; profile: string; profileId: number }[] {
  return [...out.matchAll(/^Successfully created GPU instance ID\s+(\d+) on GPU\s+(\d+) using profile MIG (\S+) \(ID\s+(\d+)\)\s*$/gm)].map((m) => ({
    instanceId: Number(m[1]),
    gpu: Number(m[2]),
    profile: m[3]!,
    profileId: Number(m[4]),
  }));
}

/** `Successfully created compute instance ID  0 on GPU  0 GPU instance ID  7 using profile MIG 1g.5gb (ID  0)` → the GPU instance ids. */
export function parseCreatedComputeInstances(out: string): number[] {
  return [...out.matchAll(/^Successfully created compute instance ID\s+\d+ on GPU\s+\d+ GPU instance ID\s+(\d+) using profile /gm)].map((m) => Number(m[1]));
}

export async function configureMig(smi: SmiRunner, o: { gpu: number; profile: string; count: number }): Promise<MigResult> {
  if (!/^[0-9]+g\.[0-9]+gb([+-][a-z.]+)?$/.test(o.profile)) throw new Error(`not a MIG profile name: ${o.profile} (for example 1g.10gb)`);
  if (!Number.isInteger(o.count) || o.count < 0 || o.count > 7) throw new Error('count must be 0 to 7');
  const [status] = await migQuery(smi, o.gpu);
  if (!status) throw new Error(`no GPU ${o.gpu}`);
  const plan = planMig(status, o.profile, o.count);
  const gi = String(o.gpu);
  if (plan.enable) checkMigEnabled(await smi(['-i', gi, '-mig', '1']), o.gpu);
  for (const inst of plan.destroy) {
    await smi(['mig', '-i', gi, '-gi', String(inst.instanceId), '-dci']);
    await smi(['mig', '-i', gi, '-gi', String(inst.instanceId), '-dgi']);
  }
  if (plan.create > 0) {
    const made = parseCreatedGpuInstances(await smi(['mig', '-i', gi, '-cgi', Array(plan.create).fill(o.profile).join(',')]));
    const ids = made.map((m) => m.instanceId).sort((a, b) => a - b);
    if (made.length !== plan.create || made.some((m) => m.gpu !== o.gpu || m.profile !== o.profile))
      throw new Error(`GPU ${o.gpu}: asked for ${plan.create} × ${o.profile}, nvidia-smi reported ${made.length} created (${ids.join(', ') || 'none'})`);
    const withCompute = parseCreatedComputeInstances(await smi(['mig', '-i', gi, '-cci', '-gi', ids.join(',')]));
    const missing = ids.filter((id) => !withCompute.includes(id));
    if (missing.length) throw new Error(`GPU ${o.gpu}: no compute instance was reported for GPU instance(s) ${missing.join(', ')}`);
  }
  const changed = plan.enable || plan.destroy.length > 0 || plan.create > 0;
  const after = changed ? (await migQuery(smi, o.gpu))[0]! : status;
  return { gpu: o.gpu, enabled: plan.enable, destroyed: plan.destroy.map((i) => i.instanceId), created: plan.create, instances: after.instances };
}
