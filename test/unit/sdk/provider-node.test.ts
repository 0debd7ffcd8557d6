/**
 * The provider node's nvidia-smi side, against transcripts built from real captured nvidia-smi
 * output where one was found, and composed in its formats where not
 * (test/fixtures/nvidia-smi/SOURCE.md says which is which): GPU inventory with and without MIG
 * (A100, H100, L40S), the MIG manager's commands (replayed in order: a command not in the
 * transcript fails), its idempotence, refusals of cut-off or garbled output, and the heartbeat
 * loop's backoff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGpuCsv, parseGpuInstances, parseGpuList, readInventory } from '../../../sdk/provider/nvidia-smi.ts';
import { checkMigEnabled, configureMig, migQuery, parseCreatedComputeInstances, parseCreatedGpuInstances, planMig } from '../../../sdk/provider/mig.ts';
import { BACKOFF_MAX_MS, backoffMs } from '../../../sdk/provider/node.ts';
import { inventoryUnits } from '../../../functions/providers/domain/heartbeat.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { loadTranscript, replay } from '../../support/smi-transcript.ts';

const captured = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'nvidia-smi', 'captured', name), 'utf8');

describe('GPU inventory from nvidia-smi (real captures)', () => {
  it('H100 80GB HBM3 without MIG: one whole GPU, one query', async () => {
    const smi = replay('h100-no-mig.json');
    const inv = await readInventory(smi);
    expect(inv.gpus).toEqual([{ index: 0, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: false, migInstances: [] }]);
    expect(inventoryUnits(inv)).toBe(1);
    expect(smi.left()).toBe(0);
  });
  it('the same H100 in MIG mode: its four MIG devices (from -L) are the units', async () => {
    const smi = replay('h100-mig.json');
    const inv = await readInventory(smi);
    expect(inv.gpus).toEqual([
      { index: 0, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: true, migInstances: ['3g.40gb', '2g.20gb', '1g.10gb', '1g.10gb'] },
    ]);
    expect(inventoryUnits(inv)).toBe(4);
    expect(smi.left()).toBe(0);
  });
  it('4× A100-SXM4-80GB, GPU 0 in MIG mode with 4 × 1g.20gb: 4 + 3 units', async () => {
    const smi = replay('a100-80gb-mig.json');
    const inv = await readInventory(smi);
    expect(inv.gpus.map((g) => [g.index, g.model, g.memoryMiB, g.migMode, g.migInstances])).toEqual([
      [0, 'NVIDIA A100-SXM4-80GB', 81920, true, ['1g.20gb', '1g.20gb', '1g.20gb', '1g.20gb']],
      [1, 'NVIDIA A100-SXM4-80GB', 81920, false, []],
      [2, 'NVIDIA A100-SXM4-80GB', 81920, false, []],
      [3, 'NVIDIA A100-SXM4-80GB', 81920, false, []],
    ]);
    expect(inventoryUnits(inv)).toBe(7);
    expect(smi.left()).toBe(0);
  });
  it('the full 212-column --query-gpu CSV of both H100 captures reads by its header', () => {
    for (const [file, migMode] of [
      ['h100-80gb-hbm3.590.48.01.query-gpu-all.csv', false],
      ['h100-80gb-hbm3-mig.590.48.01.query-gpu-all.csv', true],
    ] as const) {
      const text = captured(file);
      expect(text.split('\n')[0]!.split(', ')).toHaveLength(212);
      expect(parseGpuCsv(text)).toEqual([{ index: 0, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode }]);
    }
  });
  it('nvidia-smi -L as captured: H100 and A100 80GB, with and without MIG devices', () => {
    expect(parseGpuList(captured('h100-80gb-hbm3.590.48.01.L.txt'))).toEqual([
      { index: 0, model: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-00000000-0000-0000-0000-000000000000', mig: [] },
    ]);
    const h100 = parseGpuList(captured('h100-80gb-hbm3-mig.590.48.01.L.txt'));
    expect(h100[0]!.mig.map((d) => [d.profile, d.device])).toEqual([
      ['3g.40gb', 0],
      ['2g.20gb', 1],
      ['1g.10gb', 2],
      ['1g.10gb', 3],
    ]);
    const a100 = parseGpuList(captured('a100-sxm4-80gb-mig.535.216.01.L.txt'));
    expect(a100.map((g) => [g.index, g.model, g.mig.length])).toEqual([[0, 'NVIDIA A100-SXM4-80GB', 7]]);
    expect(new Set(a100[0]!.mig.map((d) => d.profile))).toEqual(new Set(['1g.10gb']));
    expect(a100[0]!.mig[6]!.uuid).toBe('MIG-1aae4990-b962-574e-8375-119d6d9b9687');
  });
  it('nvidia-smi mig -lgi as captured, including lines padded after the last |', () => {
    const a100 = parseGpuInstances(captured('a100-80gb-mig.lgi.first-two-gpus.txt'));
    expect(a100.filter((i) => i.gpu === 0)).toEqual([
      { gpu: 0, profile: '1g.10gb', profileId: 19, instanceId: 9, placement: '2:1' },
      { gpu: 0, profile: '1g.10gb', profileId: 19, instanceId: 10, placement: '3:1' },
      { gpu: 0, profile: '2g.20gb', profileId: 14, instanceId: 3, placement: '0:2' },
      { gpu: 0, profile: '3g.40gb', profileId: 9, instanceId: 2, placement: '4:4' },
    ]);
    expect(a100.filter((i) => i.gpu === 1).map((i) => i.instanceId)).toEqual([13, 14, 5, 1]);
    const padded = parseGpuInstances(captured('lgi.padded-lines.txt'));
    expect(padded.map((i) => [i.gpu, i.profile, i.instanceId])).toEqual([
      [2, '2g.20gb', 3],
      [2, '2g.20gb', 4],
      [2, '3g.40gb', 2],
      [3, '2g.20gb', 3],
      [3, '2g.20gb', 4],
      [3, '3g.40gb', 2],
    ]);
  });
  it('the A100 MIG commands as captured: -mig 1, -cgi and -cci outputs', () => {
    expect(() => checkMigEnabled(captured('a100-sxm4-40gb.mig-enable.txt'), 0)).not.toThrow();
    expect(() => checkMigEnabled(captured('a100.mig-enable-pending.txt'), 0)).toThrow(/GPU 0: MIG mode is pending, not on; reset the GPU/);
    expect(parseCreatedGpuInstances(captured('a100-sxm4-40gb.cgi-1g.5gb-x7.txt')).map((g) => [g.instanceId, g.gpu, g.profile, g.profileId])).toEqual(
      [9, 7, 8, 11, 12, 13, 14].map((id) => [id, 0, '1g.5gb', 19]),
    );
    expect(parseCreatedComputeInstances(captured('a100-sxm4-40gb.cci-first-four.txt'))).toEqual([7, 8, 9, 11]);
  });
});

describe('GPU inventory from nvidia-smi (composed transcripts)', () => {
  it('8× H100 without MIG (the e2e node): eight whole GPUs', async () => {
    const inv = await readInventory(replay('h100x8-no-mig.json'));
    expect(inv.gpus).toHaveLength(8);
    expect(inv.gpus[7]).toEqual({ index: 7, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: false, migInstances: [] });
    expect(inventoryUnits(inv)).toBe(8);
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
  it('the older noheader,nounits form still reads', () => {
    expect(parseGpuCsv('0, NVIDIA H100 80GB HBM3, 81559, Disabled\n1, NVIDIA L40S, 46068, [N/A]\n')).toEqual([
      { index: 0, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: false },
      { index: 1, model: 'NVIDIA L40S', memoryMiB: 46068, migMode: false },
    ]);
  });
});

describe('cut-off and garbled nvidia-smi output: a clear error or no GPUs, never a guess', () => {
  const real = captured('h100-80gb-hbm3-mig.590.48.01.query-gpu-all.csv');
  it('CSV', () => {
    expect(parseGpuCsv('')).toEqual([]);
    expect(parseGpuCsv('No devices were found\n')).toEqual([]);
    expect(parseGpuCsv('index, name, memory.total [MiB], mig.mode.current\n')).toEqual([]);
    // the real row cut off part-way (a truncated read)
    expect(() => parseGpuCsv(real.slice(0, real.length - 400))).toThrow(/unexpected nvidia-smi output \(\d+ cells, 212 expected\)/);
    expect(() => parseGpuCsv('index, name, memory.total [MiB]\n0, NVIDIA H100 80GB HBM3, 81559 MiB\n')).toThrow(/no mig.mode.current column/);
    expect(() => parseGpuCsv('0, NVIDIA H100')).toThrow(/unexpected nvidia-smi output/);
    expect(() => parseGpuCsv('x, NVIDIA H100, 81559, Disabled')).toThrow(/index "x"/);
    expect(() => parseGpuCsv('0, NVIDIA H100 80GB HBM3, 81559 GiB, Disabled')).toThrow(/memory.total "81559 GiB"/);
    expect(() => parseGpuCsv('0, NVIDIA H100 80GB HBM3, 81559 MiB, Maybe')).toThrow(/mig.mode.current "Maybe"/);
    expect(() => parseGpuCsv("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")).toThrow(/unexpected nvidia-smi output/);
    expect(parseGpuCsv('0, NVIDIA GH200 480GB, [N/A], Disabled')).toEqual([{ index: 0, model: 'NVIDIA GH200 480GB', memoryMiB: 0, migMode: false }]);
  });
  it('-L and -lgi', () => {
    expect(parseGpuList('')).toEqual([]);
    expect(() => parseGpuList('  MIG 1g.10gb     Device  0: (UUID: MIG-1)\n')).toThrow(/a MIG device before any GPU/);
    expect(parseGpuInstances('No GPU instances found: Not Found\n')).toEqual([]);
    const table = captured('a100-80gb-mig.lgi.first-two-gpus.txt');
    const cut = table.replace('|   0  MIG 3g.40gb          9        2          4:4     |', '|   0  MIG 3g.40gb          9        2');
    expect(() => parseGpuInstances(cut)).toThrow(/not a GPU instance row/);
  });
  it('a MIG GPU whose -L lists no MIG devices yet has no units', async () => {
    const smi = async (args: readonly string[]) =>
      args[0] === '-L'
        ? 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-00000000-0000-0000-0000-000000000000)\n'
        : 'index, name, memory.total [MiB], mig.mode.current\n0, NVIDIA H100 80GB HBM3, 81559 MiB, Enabled\n';
    expect(inventoryUnits(await readInventory(smi))).toBe(0);
  });
  it('-cgi reporting fewer instances than asked is an error', async () => {
    const t = loadTranscript('a100-configure-mig.json');
    const smi = async (args: readonly string[]) => {
      if (args.includes('-cgi')) return captured('a100-sxm4-40gb.cgi-1g.5gb-x7.txt').split('\n').slice(0, 3).join('\n');
      return t.calls.find((c) => JSON.stringify(c.args) === JSON.stringify(args))!.stdout;
    };
    await expect(configureMig(smi, { gpu: 0, profile: '1g.5gb', count: 7 })).rejects.toThrow(/asked for 7 × 1g.5gb, nvidia-smi reported 3 created \(7, 8, 9\)/);
  });
});

describe('the MIG manager', () => {
  it('A100 40GB with MIG off → enable, create 7 × 1g.5gb, a compute instance on each; the same wish again runs only queries', async () => {
    const smi = replay('a100-configure-mig.json');
    const first = await configureMig(smi, { gpu: 0, profile: '1g.5gb', count: 7 });
    expect(first).toMatchObject({ enabled: true, destroyed: [], created: 7 });
    expect(first.instances.map((i) => i.instanceId)).toEqual([7, 8, 9, 11, 12, 13, 14]);
    const again = await configureMig(smi, { gpu: 0, profile: '1g.5gb', count: 7 });
    expect(again).toMatchObject({ enabled: false, destroyed: [], created: 0 });
    expect(smi.left()).toBe(0);
  });
  it('MIG mode left pending (the GPU in use) stops before any instance is made', async () => {
    const smi = replay('a100-mig-pending.json');
    await expect(configureMig(smi, { gpu: 0, profile: '1g.5gb', count: 7 })).rejects.toThrow(/MIG mode is pending, not on/);
    expect(smi.left()).toBe(0);
  });
  it('H100 with other instances → destroys the wrong profile (compute instance first), creates the missing one', async () => {
    const smi = replay('h100-reconfigure-mig.json');
    const r = await configureMig(smi, { gpu: 0, profile: '1g.10gb', count: 3 });
    expect(r).toMatchObject({ enabled: false, destroyed: [2], created: 1 });
    expect(r.instances.map((i) => i.profile)).toEqual(['1g.10gb', '1g.10gb', '1g.10gb']);
    expect(smi.left()).toBe(0);
  });
  it('query: MIG status per GPU (A100 80GB, real -lgi)', async () => {
    const s = await migQuery(replay('a100-80gb-mig-query.json'));
    expect(s.map((g) => [g.gpu, g.model, g.migMode, g.instances.map((i) => i.profile)])).toEqual([
      [0, 'NVIDIA A100-SXM4-80GB', true, ['1g.10gb', '1g.10gb', '2g.20gb', '3g.40gb']],
      [1, 'NVIDIA A100-SXM4-80GB', true, ['1g.10gb', '1g.10gb', '2g.20gb', '3g.40gb']],
    ]);
    expect((await migQuery(replay('h100-no-mig.json'))).map((g) => [g.gpu, g.migMode, g.instances.length])).toEqual([[0, false, 0]]);
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
      'h100x8-no-mig.json',
      'a100-80gb-mig.json',
      'a100-80gb-mig-query.json',
      'a100-no-mig.json',
      'a100-configure-mig.json',
      'a100-mig-pending.json',
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
