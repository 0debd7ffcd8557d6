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

/**
 * The inventory query. `--format=csv` (with its header and units, not `noheader,nounits`): the
 * header names the columns, so a driver that orders or labels them otherwise is refused rather than
 * misread, and this is the form real captures of `--query-gpu` are published in
 * (test/fixtures/nvidia-smi/SOURCE.md).
 */
export const QUERY_GPUS = ['--query-gpu=index,name,memory.total,mig.mode.current', '--format=csv'] as const;
/** `nvidia-smi -L`: every GPU and, under a GPU in MIG mode, its MIG devices. Needs no root (`mig -lgi` does). */
export const LIST_GPUS = ['-L'] as const;
export const LIST_GIS = ['mig', '-lgi'] as const;

const COLUMNS = ['index', 'name', 'memory.total', 'mig.mode.current'] as const;
/** What `mig.mode.current` prints: Enabled / Disabled, and `[N/A]` (or `N/A`, `[Not Supported]`) where the GPU has no MIG. */
const MIG_MODES: Record<string, boolean> = { Enabled: true, Disabled: false, '[N/A]': false, 'N/A': false, '[Not Supported]': false };

const unexpected = (line: string, why: string) => new Error(`unexpected nvidia-smi output (${why}): ${line.slice(0, 200)}`);

/** `81559 MiB` (csv) or `81559` (nounits) → 81559; `[N/A]` (memory the driver does not report) → 0. */
function parseMiB(cell: string, line: string): number {
  if (cell === '[N/A]' || cell === 'N/A') return 0;
  const m = /^(\d+(?:\.\d+)?)(?: MiB)?$/.exec(cell);
  if (!m) throw unexpected(line, `memory.total "${cell}"`);
  return Math.trunc(Number(m[1]));
}

/**
 * The `--query-gpu` CSV: with a header (the columns found by name, so any query that includes
 * index, name, memory.total and mig.mode.current reads, units or not), or without one
 * (`noheader`: the four columns in QUERY_GPUS order). Values are taken as printed: `81559 MiB` or
 * `81559`, `[N/A]`. A row that does not have the header's cells (a cut-off line), a missing
 * column, or a value of the wrong shape is refused, never guessed. "No devices were found" → none.
 */
export function parseGpuCsv(csv: string): Omit<GpuDevice, 'migInstances'>[] {
  const lines = csv
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0 || (lines.length === 1 && /^No devices were found/.test(lines[0]!))) return [];
  const split = (line: string) => line.split(',').map((c) => c.trim());
  let at: number[] = [0, 1, 2, 3];
  let width = 0;
  const first = split(lines[0]!);
  if (first.includes('index') || first.includes('name')) {
    const names = first.map((h) => h.replace(/ \[[^\]]*\]$/, ''));
    at = COLUMNS.map((c) => {
      const i = names.indexOf(c);
      if (i < 0) throw unexpected(lines[0]!, `no ${c} column`);
      return i;
    });
    width = first.length;
    lines.shift();
  }
  return lines.map((line) => {
    const cells = split(line);
    if (width ? cells.length !== width : cells.length < COLUMNS.length) throw unexpected(line, `${cells.length} cells, ${width || COLUMNS.length} expected`);
    const [index, name, memory, mig] = at.map((i) => cells[i]!) as [string, string, string, string];
    if (!/^\d+$/.test(index)) throw unexpected(line, `index "${index}"`);
    if (!name || name.startsWith('[')) throw unexpected(line, `name "${name}"`);
    const migMode = MIG_MODES[mig];
    if (migMode === undefined) throw unexpected(line, `mig.mode.current "${mig}"`);
    return { index: Number(index), model: name, memoryMiB: parseMiB(memory, line), migMode };
  });
}

export interface ListedGpu {
  index: number;
  model: string;
  uuid: string;
  /** The MIG devices listed under the GPU, in order: their profile names (`3g.40gb`). */
  mig: { profile: string; device: number; uuid: string }[];
}

/**
 * `nvidia-smi -L`:
 * `GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-…)` and, indented under it, one
 * `  MIG 3g.40gb     Device  0: (UUID: MIG-…)` per MIG device (older drivers: `MIG-GPU-…/7/0`
 * UUIDs). Other lines (warnings) are skipped; a MIG line before any GPU line is refused.
 */
export function parseGpuList(text: string): ListedGpu[] {
  const out: ListedGpu[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const gpu = /^GPU (\d+): (.+?) \(UUID: ([^)\s]+)\)$/.exec(line);
    if (gpu) {
      out.push({ index: Number(gpu[1]), model: gpu[2]!, uuid: gpu[3]!, mig: [] });
      continue;
    }
    const mig = /^\s+MIG (\S+)\s+Device\s+(\d+): \(UUID: ([^)\s]+)\)$/.exec(line);
    if (mig) {
      const owner = out.at(-1);
      if (!owner) throw unexpected(line, 'a MIG device before any GPU');
      owner.mig.push({ profile: mig[1]!, device: Number(mig[2]), uuid: mig[3]! });
    }
  }
  return out;
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
 * `|   0  MIG 1g.10gb         19        9          2:1     |` (column widths differ between
 * drivers; some pad the lines after the last `|`). "No GPU instances found" → none. A line that
 * starts as a row but does not read as one (a garbled or cut-off table) is refused.
 */
export function parseGpuInstances(table: string): GpuInstance[] {
  const out: GpuInstance[] = [];
  for (const raw of table.split(/\r?\n/)) {
    const line = raw.trim();
    if (!/^\|\s+\d+\s+MIG\s/.test(line)) continue;
    const m = /^\|\s+(\d+)\s+MIG\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+:\d+)\s+\|$/.exec(line);
    if (!m) throw unexpected(line, 'not a GPU instance row');
    out.push({ gpu: Number(m[1]), profile: m[2]!, profileId: Number(m[3]), instanceId: Number(m[4]), placement: m[5]! });
  }
  return out;
}

/**
 * The inventory a heartbeat carries: every GPU, with its MIG devices (from `-L`) when MIG is on.
 * No nvidia-smi → no GPUs.
 */
export async function readInventory(smi: SmiRunner = systemSmi): Promise<GpuInventory> {
  let csv: string;
  try {
    csv = await smi(QUERY_GPUS);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { gpus: [] };
    throw e;
  }
  const gpus = parseGpuCsv(csv);
  const listed = gpus.some((g) => g.migMode) ? parseGpuList(await smi(LIST_GPUS)) : [];
  return {
    gpus: gpus.map((g) => ({
      ...g,
      migInstances: g.migMode ? (listed.find((l) => l.index === g.index)?.mig.map((d) => d.profile) ?? []) : [],
    })),
  };
}
