/**
 * The webhook's time rule. Stripe's library refuses a signature older than its tolerance but
 * accepts any timestamp in the future (DEPENDENCIES.md §11.5), so a captured event signed
 * with a clock far ahead would stay replayable for as long; we refuse both directions.
 */
export const WEBHOOK_TOLERANCE_SEC = 300;

/** The `t=` of a Stripe-Signature header, in seconds, or null when there is none. */
export function signatureTimestamp(header: string): number | null {
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2);
    if (k?.trim() === 't' && v && /^\d{1,12}$/.test(v.trim())) return Number(v.trim());
  }
  return null;
}

/** Whether `t` (seconds) is within `toleranceSec` of now, either way. */
export const withinTolerance = (tSec: number, nowMs: number, toleranceSec = WEBHOOK_TOLERANCE_SEC): boolean =>
  Math.abs(Math.floor(nowMs / 1000) - tSec) <= toleranceSec;
