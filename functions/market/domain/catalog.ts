/**
 * The provider catalog and the tenors. Every ratio is an integer in parts per million
 * (ppm) and every price is µACU per SCU, so nothing downstream needs a float.
 *
 * An SCU is one standard compute minute (SCM, §1.11): a provider's calibration
 * `scmPerMinMilli` says how many SCM one wall-clock minute of its hardware delivers
 * (×1000), which converts a job's runtime into SCU.
 */
export const PPM = 1_000_000n;

export const TENORS = {
  T7D: { days: 7n, commitPpm: 500_000n },
  T30D: { days: 30n, commitPpm: 350_000n },
  T90D: { days: 90n, commitPpm: 250_000n },
  T180D: { days: 180n, commitPpm: 200_000n },
} as const;

export type Tenor = keyof typeof TENORS;
export const TENOR_IDS = Object.keys(TENORS) as Tenor[];
export const isTenor = (t: string): t is Tenor => Object.hasOwn(TENORS, t);

export const DAY_MS = 86_400_000;
export const tenorMs = (t: Tenor): number => Number(TENORS[t].days) * DAY_MS;

/** The curve parameters shared by every provider (seed §1.8). */
export interface CurveParams {
  /** term_premium_max, ppm. */
  termPremiumMaxPpm: bigint;
  /** term_tau_days. */
  termTauDays: bigint;
  /** util_slope, ppm. */
  utilSlopePpm: bigint;
  /** util_target, ppm of max notional. */
  utilTargetPpm: bigint;
}

export const CURVE: CurveParams = { termPremiumMaxPpm: 150_000n, termTauDays: 60n, utilSlopePpm: 500_000n, utilTargetPpm: 700_000n };

export interface Provider {
  id: string;
  gpuProfile: string;
  region: string;
  /** Observed SCU per hour (telemetry). */
  scuPerHour: bigint;
  reservedFractionPpm: bigint;
  reliabilityFloorPpm: bigint;
  /** Spot price, µACU per SCU. */
  spotPriceMicro: bigint;
  /** SCM delivered per wall-clock minute, ×1000 (H100 = 1000). */
  scmPerMinMilli: bigint;
}

const p = (
  id: string,
  gpuProfile: string,
  region: string,
  scuPerHour: number,
  reservedPct: number,
  reliabilityPct: number,
  spotMicro: number,
  scmMilli: number,
): Provider => ({
  id,
  gpuProfile,
  region,
  scuPerHour: BigInt(scuPerHour),
  reservedFractionPpm: BigInt(reservedPct) * 10_000n,
  reliabilityFloorPpm: BigInt(reliabilityPct) * 10_000n,
  spotPriceMicro: BigInt(spotMicro),
  scmPerMinMilli: BigInt(scmMilli),
});

/** The 13 fixture providers (seed §1.12 `providers.yaml`). */
export const PROVIDER_FIXTURES: readonly Provider[] = [
  p('alpha', 'H100', 'us-east', 4800, 30, 95, 10_000_000, 1000),
  p('beta', 'H100', 'us-east', 3600, 35, 92, 10_200_000, 1000),
  p('gamma', 'H100', 'eu-west', 2400, 30, 90, 10_500_000, 1000),
  p('delta', 'H200', 'us-east', 3000, 25, 95, 14_000_000, 1400),
  p('epsilon', 'H200', 'eu-west', 1800, 30, 93, 14_500_000, 1400),
  p('zeta', 'A100', 'us-east', 6000, 40, 90, 7_000_000, 700),
  p('eta', 'A100', 'us-west', 4200, 35, 88, 6_800_000, 700),
  p('theta', 'A100', 'eu-west', 3000, 30, 91, 7_200_000, 700),
  p('iota', 'L40S', 'us-west', 5400, 40, 85, 4_500_000, 450),
  p('kappa', 'L40S', 'ap-south', 2400, 35, 87, 4_200_000, 450),
  p('lambda', 'H100', 'ap-south', 1800, 25, 89, 11_000_000, 1000),
  p('mu', 'MI300X', 'us-east', 2400, 30, 90, 9_000_000, 1100),
  p('nu', 'MI300X', 'eu-west', 1200, 30, 86, 9_400_000, 1100),
];

/**
 * The exchange's own pool: CPU jobs no RC covers and no provider takes run there (placement's
 * `exchange_pool`) and are billed to `provider:exchange` by the same coverage as any provider.
 * Its terms: a CPU container minute counts a tenth of a standard compute minute (SCM/min 0.1), at
 * 1 ACU per SCU, so with RUNTIME_CEIL a job of up to ten minutes is billed 1 SCU, an hour 6 SCU.
 * No capacity: nothing is sold forward on it, and it is kept out of the market's listings.
 */
export const EXCHANGE_POOL = 'exchange';
export const EXCHANGE_POOL_PROVIDER: Provider = p(EXCHANGE_POOL, 'CPU', 'any', 0, 0, 0, 1_000_000, 100);

/**
 * Runtime → SCU: SCU = ceil(runtimeSeconds × scmPerMinMilli / 60,000). Named rounding
 * RUNTIME_CEIL: a started standard minute is billed whole.
 */
export function runtimeToScu(runtimeSeconds: bigint, scmPerMinMilli: bigint): bigint {
  const n = runtimeSeconds * scmPerMinMilli;
  return (n + 59_999n) / 60_000n;
}
