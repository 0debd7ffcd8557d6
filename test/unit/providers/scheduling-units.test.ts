/**
 * A provider's scheduling units from the inventories nvidia-smi reports (the real H100 and A100
 * MIG captures, test/fixtures/nvidia-smi/SOURCE.md): one unit per whole GPU, one per MIG
 * instance sized by its profile, a set the scheduler accepts (checkUnits), the same ids from
 * the same inventory; and the scheduler places a MIG-sized request on a MIG unit, never two jobs on one.
 */
import { describe, expect, it } from 'vitest';
import { readInventory } from '../../../sdk/provider/nvidia-smi.ts';
import { schedulingUnits, smsOf, DEFAULT_SMS } from '../../../functions/providers/domain/units.ts';
import { allocate, checkUnits } from '../../../functions/control-plane/domain/scheduler.ts';
import { inventoryUnits } from '../../../functions/providers/domain/heartbeat.ts';
import { replay } from '../../support/smi-transcript.ts';

const P = { providerId: 'prv_a', gpuModel: 'H100', region: 'us-east' };

describe('scheduling units from an inventory', () => {
  it('the H100 in MIG mode (3g.40gb, 2g.20gb, 1g.10gb ×2): four MIG units sized by profile', async () => {
    const inv = await readInventory(replay('h100-mig.json'));
    const units = schedulingUnits(P, inv);
    expect(units.map((u) => [u.unitId, u.kind, u.migProfile, u.capacity.memoryMb, u.capacity.sms])).toEqual([
      ['prv_a/gpu0/mig0', 'mig', '3g.40gb', 40_960n, 56n], // 132 × 3 / 7 = 56.57 → 56
      ['prv_a/gpu0/mig1', 'mig', '2g.20gb', 20_480n, 37n],
      ['prv_a/gpu0/mig2', 'mig', '1g.10gb', 10_240n, 18n],
      ['prv_a/gpu0/mig3', 'mig', '1g.10gb', 10_240n, 18n],
    ]);
    expect(units).toHaveLength(inventoryUnits(inv));
    expect(checkUnits(units)).toBeNull();
    expect(schedulingUnits(P, inv)).toEqual(units);
  });

  it('4× A100-SXM4-80GB, GPU 0 in MIG mode: four 1g.20gb units and three whole GPUs of 108 SMs', async () => {
    const units = schedulingUnits({ ...P, gpuModel: 'A100' }, await readInventory(replay('a100-80gb-mig.json')));
    expect(units.filter((u) => u.kind === 'mig').map((u) => [u.gpuId, u.capacity.memoryMb, u.capacity.sms])).toEqual(
      Array.from({ length: 4 }, () => ['prv_a/gpu0', 20_480n, 15n]),
    );
    expect(units.filter((u) => u.kind === 'gpu').map((u) => [u.unitId, u.capacity.memoryMb, u.capacity.sms])).toEqual([
      ['prv_a/gpu1', 81_920n, 108n],
      ['prv_a/gpu2', 81_920n, 108n],
      ['prv_a/gpu3', 81_920n, 108n],
    ]);
    expect(checkUnits(units)).toBeNull();
  });

  it("SMs by model (NVIDIA's published counts), 100 for a model not listed", () => {
    expect(['NVIDIA H100 80GB HBM3', 'NVIDIA H100 PCIe', 'NVIDIA A100-SXM4-40GB', 'NVIDIA L40S', 'NVIDIA L4', 'NVIDIA A10G', 'Some GPU'].map(smsOf)).toEqual([
      132n,
      114n,
      108n,
      142n,
      58n,
      72n,
      DEFAULT_SMS,
    ]);
  });

  it('a MIG unit takes one job: the second request for that profile goes to the other instance, a third finds none', async () => {
    let units = schedulingUnits(P, await readInventory(replay('h100-mig.json')));
    const ask = (jobId: string) => ({ jobId, tenantId: 't', need: { memoryMb: 1n, sms: 1n }, scm: 5n, migProfile: '1g.10gb' });
    const a = allocate(units, ask('j1'))!;
    units = a.units;
    const b = allocate(units, ask('j2'))!;
    units = b.units;
    expect([a.placement.unitId, b.placement.unitId]).toEqual(['prv_a/gpu0/mig2', 'prv_a/gpu0/mig3']);
    expect(allocate(units, ask('j3'))).toBeNull();
    expect(allocate(units, { ...ask('j4'), migProfile: undefined, providerIds: ['prv_other'] })).toBeNull();
  });
});
