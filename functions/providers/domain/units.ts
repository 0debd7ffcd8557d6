/**
 * A provider's scheduling units (the control plane's scheduler, docs/control-plane.md): from the
 * inventory its heartbeat reports, each whole GPU one unit, each MIG instance of a MIG-mode GPU
 * a unit of its own. Unit ids are `<providerId>/gpu<index>` and `…/mig<n>` (n: the instance's
 * place in the reported list), so a heartbeat that reports the same inventory names the same
 * units.
 *
 * Capacity: memory as reported (MiB, whole GPU) or the profile's (`<g>g.<m>gb`: m × 1024 MiB);
 * SMs from the model (NVIDIA's published counts: H100 SXM/H200 132, H100 PCIe 114, A100 108,
 * L40S 142, L4 58, A10 72; other models 100), a MIG instance floor(SMs × g / 7) of its GPU's.
 */
import type { Unit } from '../../control-plane/index.ts';
import type { GpuInventory } from './heartbeat.ts';

const SMS: readonly [RegExp, bigint][] = [
  [/H100.*PCIe/i, 114n],
  [/H100|H200/i, 132n],
  [/A100/i, 108n],
  [/L40S/i, 142n],
  [/\bL4\b/i, 58n],
  [/\bA10G?\b/i, 72n],
];
export const DEFAULT_SMS = 100n;
export const smsOf = (model: string): bigint => SMS.find(([re]) => re.test(model))?.[1] ?? DEFAULT_SMS;

const MIG = /^([1-7])g\.([0-9]{1,3})gb$/;

export function schedulingUnits(p: { providerId: string; gpuModel: string; region: string }, inv: GpuInventory): Unit[] {
  const out: Unit[] = [];
  for (const g of inv.gpus) {
    const gpuId = `${p.providerId}/gpu${g.index}`;
    const sms = smsOf(g.model);
    const base = { providerId: p.providerId, gpuProfile: p.gpuModel, region: p.region, gpuId, attainedScm: 0n, allocations: [] };
    if (!g.migMode) {
      out.push({ ...base, unitId: gpuId, kind: 'gpu', capacity: { memoryMb: BigInt(g.memoryMiB), sms } });
      continue;
    }
    g.migInstances.forEach((profile, n) => {
      const m = MIG.exec(profile);
      // A profile the scheduler cannot size is left out (the directory still counts the unit).
      if (!m) return;
      const slices = BigInt(m[1]!);
      out.push({
        ...base,
        unitId: `${gpuId}/mig${n}`,
        kind: 'mig',
        migProfile: profile,
        capacity: { memoryMb: BigInt(m[2]!) * 1024n, sms: (sms * slices) / 7n },
      });
    });
  }
  return out;
}
