/**
 * Calibration (seed §1.11): a node's microbenchmarks, each normalised against the reference
 * machine (one H100 SXM = 1.000 SCM per wall-clock minute) and weighted FP16 55 %, FP32 15 %,
 * memory bandwidth 15 %, interconnect 10 %, stability 5 % (a penalty: an unstable node loses
 * up to that share). The result, SCM/min ×1000, is what the catalog converts runtime into SCU
 * with (market `runtimeToScu`). Integer arithmetic throughout: inputs are integers (GFLOPS,
 * GB/s, ppm), the score is in ppm, rounding is down (CALIBRATION_FLOOR: never overstate).
 */
export interface Microbench {
  /** Dense GEMM FP16 throughput, GFLOPS. */
  fp16Gflops: number;
  /** GEMM FP32 throughput, GFLOPS. */
  fp32Gflops: number;
  /** Device memory bandwidth, GB/s. */
  memBandwidthGBs: number;
  /** GPU-to-GPU interconnect throughput, GB/s (0 for a single GPU without one). */
  interconnectGBs: number;
  /** Run-to-run spread of the benchmarks, ppm of their mean (0 = perfectly stable). */
  variabilityPpm: number;
}

/** The reference machine (one H100 SXM5, what the fixtures' 1.000 SCM/min means). */
export const REFERENCE: Omit<Microbench, 'variabilityPpm'> = { fp16Gflops: 989_000, fp32Gflops: 67_000, memBandwidthGBs: 3_350, interconnectGBs: 900 };

/** Weights in ppm; they sum to 1,000,000. */
export const WEIGHTS = { fp16: 550_000n, fp32: 150_000n, memBandwidth: 150_000n, interconnect: 100_000n, stability: 50_000n } as const;

const PPM = 1_000_000n;

/** A metric relative to its reference, ppm (uncapped: a faster machine scores above 1). */
const ratioPpm = (value: number, reference: number): bigint => (BigInt(Math.max(0, Math.trunc(value))) * PPM) / BigInt(reference);

/** The weighted score of a node, ppm of the reference (1,000,000 = the reference machine). */
export function scorePpm(m: Microbench): bigint {
  const variability = BigInt(Math.min(1_000_000, Math.max(0, Math.trunc(m.variabilityPpm))));
  const weighted =
    WEIGHTS.fp16 * ratioPpm(m.fp16Gflops, REFERENCE.fp16Gflops) +
    WEIGHTS.fp32 * ratioPpm(m.fp32Gflops, REFERENCE.fp32Gflops) +
    WEIGHTS.memBandwidth * ratioPpm(m.memBandwidthGBs, REFERENCE.memBandwidthGBs) +
    WEIGHTS.interconnect * ratioPpm(m.interconnectGBs, REFERENCE.interconnectGBs) +
    // Stability earns its 5 % in full at zero spread, nothing at 100 % spread.
    WEIGHTS.stability * (PPM - variability);
  return weighted / PPM;
}

/** SCM per wall-clock minute ×1000 (the catalog's `scmPerMinMilli`); at least 1, so a job always converts to SCU. */
export function scmPerMinMilli(m: Microbench): bigint {
  const milli = (scorePpm(m) * 1000n) / PPM;
  return milli > 0n ? milli : 1n;
}

/**
 * Capacity per hour from the inventory: each unit (a whole GPU, or a MIG instance's share)
 * delivers `scmPerMinMilli` / 1000 SCU a minute. Floor, like every capacity figure.
 */
export function scuPerHour(units: number, scmMilli: bigint): bigint {
  return (BigInt(Math.max(0, Math.trunc(units))) * scmMilli * 60n) / 1000n;
}
