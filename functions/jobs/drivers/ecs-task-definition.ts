/**
 * Task sizes. Fargate accepts only fixed CPU/memory pairs, so a profile is rounded UP to
 * the smallest valid pair that holds it (never down: a job gets at least what it asked for).
 */

/** CPU units → the memory sizes (MiB) Fargate accepts with it. */
const FARGATE_SIZES: ReadonlyArray<{ cpu: number; memoryMb: number[] }> = [
  { cpu: 256, memoryMb: [512, 1024, 2048] },
  { cpu: 512, memoryMb: range(1024, 4096, 1024) },
  { cpu: 1024, memoryMb: range(2048, 8192, 1024) },
  { cpu: 2048, memoryMb: range(4096, 16384, 1024) },
  { cpu: 4096, memoryMb: range(8192, 30720, 1024) },
  { cpu: 8192, memoryMb: range(16384, 61440, 4096) },
  { cpu: 16384, memoryMb: range(32768, 122880, 8192) },
];

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export interface TaskSize {
  cpu: number;
  memoryMb: number;
}

/** The smallest Fargate size with at least `cpuUnits` and `memoryMb`; null if none is that large. */
export function fargateSize(cpuUnits: number, memoryMb: number): TaskSize | null {
  for (const row of FARGATE_SIZES) {
    if (row.cpu < cpuUnits) continue;
    const mem = row.memoryMb.find((m) => m >= memoryMb);
    if (mem !== undefined) return { cpu: row.cpu, memoryMb: mem };
  }
  return null;
}

/** ECS limits: startedBy ≤ 128 of [A-Za-z0-9_/-]; tag keys ≤ 128, values ≤ 256, 50 tags. */
export const STARTED_BY_PATTERN = /^[A-Za-z0-9_/-]{1,128}$/;
export const MAX_TAGS = 50;
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;
/** StopTask's reason is cut at 255 characters by ECS; we cut it first so nothing is lost silently. */
export const MAX_STOP_REASON_CHARS = 255;
