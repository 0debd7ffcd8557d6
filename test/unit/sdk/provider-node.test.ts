/**
 * The provider node's nvidia-smi side, against transcripts in nvidia-smi's documented formats
 * (test/fixtures/nvidia-smi/README.md): GPU inventory with and without MIG (A100, H100, L40S),
 * the MIG manager's commands (replayed in order: a command not in the transcript fails), its
 * idempotence, and the heartbeat loop's backoff.
 */
import { describe, expect, it } from 'vitest';
import { parseGpuCsv, parseGpuInstances, readInventory } from '../../../sdk/provider/nvidia-smi.ts';
import { configureMig, migQuery, planMig } from '../../../sdk/provider/mig.ts';
import { BACKOFF_MAX_MS, backoffMs } from '../../../sdk/provider/node.ts';
import { inventoryUnits } from '../../../functions/providers/domain/heartbeat.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { loadTranscript, replay } from '../../support/smi-transcript.ts';

describe('GPU inventory from nvidia-smi', () => {
  it('8× H100 without MIG: eight whole GPUs, one query', async () => {
    const smi = replay('h100-no-mig.json');
    const inv = await readInventory(smi);
    expect(inv.gpus).toHaveLength(8);
    expect(inv.gpus[7]).toEqual({ index: 7, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: false, migInstances: [] });
    expect(inventoryUnits(inv)).toBe(8);
    expect(smi.left()).toBe(0);
  });
  it('H100 with MIG on GPU 0: its instances are units, GPU 1 counts whole', async () => {
    const inv = await readInventory(replay('h100-mig.json'));
    expect(inv.gpus.map((g) => [g.index, g.migMode, g.migInstances])).toEqual([
      [0, true, ['1g.10gb', '1g.10gb', '3g.40gb']],
      [1, false, []],
    ]);
    expect(inventoryUnits(inv)).toBe(4);
  });
  it('A100 40GB without MIG', async () => {
    const inv = await readInventory(replay('a100-no-mig.json'));
    expect(inv.gpus.map((g) => [g.model, g.memoryMiB, g.migMode])).toEqual(Array(4).fill(['NVIDIA A100-SXM4-40GB', 40960, false]));
  });
  it('a GPU without MIG support ([N/A]) is a whole GPU', async () => {
    expect((await readInventory(replay('l40s-no-mig-support.json'))).gpus.map((g) => g.migMode)).toEqual([false, false]);
  });
  it('no nvidia-smi on the machine: no GPUs', async () => {
    const missing = async () => {
      throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
    };
    expect(await readInventory(missing)).toEqual({ gpus: [] });
  });
  it('malformed lines are refused, not guessed', () => {
    expect(() => parseGpuCsv('0, NVIDIA H100')).toThrow(/unexpected nvidia-smi line/);
    expect(() => parseGpuCsv('x, NVIDIA H100, 81559, Disabled')).toThrow(/unexpected/);
    expect(parseGpuInstances('No GPU instances found: Not Found\n')).toEqual([]);
  });
});

describe('the MIG manager', () => {
  it('A100 with MIG off → enable, create 3 × 2g.10gb in one call; the same wish again runs only queries', async () => {
    const smi = replay('a100-configure-mig.json');
    const first = await configureMig(smi, { gpu: 0, profile: '2g.10gb', count: 3 });
    expect(first).toMatchObject({ enabled: true, destroyed: [], created: 3 });
    expect(first.instances.map((i) => i.instanceId)).toEqual([3, 4, 5]);
    const again = await configureMig(smi, { gpu: 0, profile: '2g.10gb', count: 3 });
    expect(again).toMatchObject({ enabled: false, destroyed: [], created: 0 });
    expect(smi.left()).toBe(0);
  });
  it('H100 with other instances → destroys the wrong profile (compute instance first), creates the missing one', async () => {
    const smi = replay('h100-reconfigure-mig.json');
    const r = await configureMig(smi, { gpu: 0, profile: '1g.10gb', count: 3 });
    expect(r).toMatchObject({ enabled: false, destroyed: [2], created: 1 });
    expect(r.instances.map((i) => i.profile)).toEqual(['1g.10gb', '1g.10gb', '1g.10gb']);
    expect(smi.left()).toBe(0);
  });
  it('query: MIG status per GPU', async () => {
    const s = await migQuery(replay('h100-mig.json'));
    expect(s.map((g) => [g.gpu, g.migMode, g.instances.length])).toEqual([
      [0, true, 3],
      [1, false, 0],
    ]);
  });
  it('plan: surplus instances of the right profile go, newest first', () => {
    const status = {
      gpu: 0,
      model: 'x',
      migMode: true,
      instances: [1, 2, 3].map((instanceId) => ({ gpu: 0, profile: '1g.10gb', profileId: 19, instanceId, placement: `${instanceId}:1` })),
    };
    expect(planMig(status, '1g.10gb', 1)).toMatchObject({ enable: false, create: 0, destroy: [{ instanceId: 2 }, { instanceId: 3 }] });
  });
  it('refuses what is not a profile or a count', async () => {
    await expect(configureMig(replay('h100-mig.json'), { gpu: 0, profile: 'big', count: 1 })).rejects.toThrow(/not a MIG profile/);
    await expect(configureMig(replay('h100-mig.json'), { gpu: 0, profile: '1g.10gb', count: 9 })).rejects.toThrow(/count/);
  });
  it('every fixture replays exactly what it records', () => {
    for (const f of [
      'h100-no-mig.json',
      'h100-mig.json',
      'a100-no-mig.json',
      'a100-configure-mig.json',
      'h100-reconfigure-mig.json',
      'l40s-no-mig-support.json',
    ])
      expect(loadTranscript(f).calls.length).toBeGreaterThan(0);
  });
});

describe('heartbeat backoff', () => {
  it('capped exponential with full jitter (seeded)', () => {
    const r = seededPrng(3);
    const waits = Array.from({ length: 10 }, (_, i) => backoffMs(i + 1, r));
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThan(Math.min(BACKOFF_MAX_MS, 1000 * 2 ** i));
    });
    expect(backoffMs(30, () => 0.999999)).toBe(BACKOFF_MAX_MS - 1);
  });
});
