/**
 * Capacity (seed §1.8): forecast = SCU/h × 24 × days; max = forecast × reserved_fraction ×
 * reliability_floor; remaining = max(0, max − sold). Named rounding CAPACITY_FLOOR: the
 * fractions round max down, so the market never sells capacity the forecast does not hold.
 */
import { PPM, TENORS, type Provider, type Tenor } from './catalog.ts';

export function forecastScu(p: Provider, tenor: Tenor): bigint {
  return p.scuPerHour * 24n * TENORS[tenor].days;
}

export function maxNotionalScu(p: Provider, tenor: Tenor): bigint {
  return (forecastScu(p, tenor) * p.reservedFractionPpm * p.reliabilityFloorPpm) / (PPM * PPM);
}

export function remainingScu(maxScu: bigint, soldScu: bigint): bigint {
  const r = maxScu - soldScu;
  return r > 0n ? r : 0n;
}
