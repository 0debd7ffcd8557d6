/**
 * The node's view of its GPUs, from `nvidia-smi` (where it exists; else the node reports no
 * GPUs). Parsing is pure and tested against recorded transcripts (test/fixtures/nvidia-smi/);
 * the runner that executes the tool is the one seam.
 */
import { execFile } from 'node:child_process';
import type { GpuDevice, GpuInventory } from '../../functions/providers/domain/heartbeat.ts';

/** Runs `nvidia-smi` with arguments; resolves its stdout, rejects on a non-zero exit or a missing tool. */
export type SmiRunner = (args: readonly string[]) => Promise<string>;

export const systemSmi: SmiRunner = (args) =>
  new Promise((resolve, reject) => {
    execFile('nvidia-smi', [...args], { timeout: 30_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err)
        reject(Object.assign(new Error(`nvidia-smi ${args.join(' ')}: ${String(stderr || err.message).trim()}`), { code: (err as { code?: unknown }).code }));
      else resolve(stdout);
    });
  });

export const QUERY_GPUS = ['--query-gpu=index,name,memory.total,mig.mode.current', '--format=csv,noheader,nounits'] as const;
export const LIST_GIS = ['mig', '-lgi'] as const;

/** `index, name, memory.total [MiB], mig.mode.current` lines (csv,noheader,nounits). */
export function parseGpuCsv(csv: string): Omit<GpuDevice, 'migInstances'>[] {
  return csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      if (cells.length < 4) throw new Error(`unexpected nvidia-smi line: ${line}`);
      const [index, name, memory, mig] = cells as [string, string, string, string];
      const memoryMiB = Number(memory);
      if (!/^\d+$/.test(index) || !Number.isFinite(memoryMiB)) throw new Error(`unexpected nvidia-smi line: ${line}`);
      return { index: Number(index), model: name, memoryMiB: Math.trunc(memoryMiB), migMode: mig === 'Enabled' };
    });
}

export interface GpuInstance {
  gpu: number;
  profile: string;
  profileId: number;
  instanceId: number;
  placement: string;
}

/**
 * The table `nvidia-smi mig -lgi` prints: one row per GPU instance,
 * `|   0  MIG 1g.10gb        19        9          2:1     |`. "No GPU instances found" → none.
 */
export function parseGpuInstances(table: string): GpuInstance[] {
  const out: GpuInstance[] = [];
  for (const line of table.split('\n')) {
    const m = /^\|\s+(\d+)\s+MIG\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+:\d+)\s+\|\s*$/.exec(line);
    if (m) out.push({ gpu: Number(m[1]), profile: m[2]!, profileId: Number(m[3]), instanceId: Number(m[4]), placement: m[5]! });
  }
  return out;
}

/** The inventory a heartbeat carries: every GPU, with its MIG instances when MIG is on. No nvidia-smi → no GPUs. */
export async function readInventory(smi: SmiRunner = systemSmi): Promise<GpuInventory> {
  let csv: string;
  try {
    csv = await smi(QUERY_GPUS);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { gpus: [] };
    throw e;
  }
  const gpus = parseGpuCsv(csv);
  const instances = gpus.some((g) => g.migMode) ? parseGpuInstances(await smi(LIST_GIS)) : [];
  return { gpus: gpus.map((g) => ({ ...g, migInstances: g.migMode ? instances.filter((i) => i.gpu === g.index).map((i) => i.profile) : [] })) };
}
