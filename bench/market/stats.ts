/** Latency percentiles and the markdown report of the market load harness. */
export interface OpStats {
  count: number;
  ok: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function opStats(samples: { ms: number; ok: boolean }[], seconds: number): OpStats {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const ok = samples.filter((s) => s.ok).length;
  return { count: samples.length, ok, perSec: round(ok / seconds), p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
}

export const round = (n: number, places = 1): number => Math.round(n * 10 ** places) / 10 ** places;
