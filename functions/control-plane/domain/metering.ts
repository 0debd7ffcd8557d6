/**
 * Metering (seed §8.2, §9.1).
 *
 * A slice is {jobId, bucketId, seq, scmDeltaMilli, priceIndexMicro}: milli-SCM used since the
 * last slice, at the bucket's price index (µACU per SCM). Its idempotency key is (job, seq)
 * and its content digest is SHA-256 of its canonical JSON: the same slice again succeeds
 * silently, a different slice with the same (job, seq) is refused.
 *
 *   metered  = Σ scmDeltaMilli                                  milli-SCM
 *   billed   = METER_CEIL(metered / 1000)                       whole SCM (one SCM is the market's SCU)
 *   TWAP     = TWAP_HALF_UP(Σ(mSCM × price) / Σ mSCM)           µACU per SCM, SCM-weighted
 *
 * The settlement itself (RC draws, the spot part at the TWAP, the hold) is the market's one
 * coverage transfer (functions/market/usecases/coverage.ts); the receipt records what it moved.
 * Billing whole SCM keeps one rounding for metered and runtime-billed jobs alike (the runtime
 * rule rounds up to the SCU too), and makes the spot part exact: SCM × TWAP needs no rounding.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../platform/canonical-json.ts';
import { divCeil, divHalfUp } from './units.ts';

export interface Slice {
  jobId: string;
  bucketId: string;
  seq: number;
  scmDeltaMilli: bigint;
  priceIndexMicro: bigint;
}

export const sliceDigest = (s: Slice): string =>
  createHash('sha256')
    .update(
      canonicalize({
        jobId: s.jobId,
        bucketId: s.bucketId,
        seq: s.seq,
        scmDeltaMilli: s.scmDeltaMilli.toString(),
        priceIndexMicro: s.priceIndexMicro.toString(),
      }),
    )
    .digest('hex');

export const SLICE_MESSAGE_TYPE = 'vracu/metering-slice/v1';

/**
 * What a provider's node signs for a slice (canonical JSON, the node key of docs/providers.md):
 * the slice with its provider, integers as decimal strings. The price index is in µACU, so the
 * signer and the exchange never disagree on how a decimal was written.
 */
export const sliceMessage = (providerId: string, s: Slice) => ({
  type: SLICE_MESSAGE_TYPE,
  providerId,
  jobId: s.jobId,
  bucketId: s.bucketId,
  seq: s.seq,
  scmDeltaMilli: s.scmDeltaMilli.toString(),
  priceIndexMicro: s.priceIndexMicro.toString(),
});

/** Digest of every slice of a job, in seq order: SHA-256 over the slice digests joined by newlines. */
export const slicesDigest = (slices: readonly Slice[]): string =>
  createHash('sha256')
    .update(
      [...slices]
        .sort((a, b) => a.seq - b.seq)
        .map(sliceDigest)
        .join('\n'),
    )
    .digest('hex');

/** TWAP_HALF_UP; null without metered SCM. */
export function twapMicro(slices: readonly Slice[]): bigint | null {
  let w = 0n;
  let m = 0n;
  for (const s of slices) {
    w += s.scmDeltaMilli * s.priceIndexMicro;
    m += s.scmDeltaMilli;
  }
  return m === 0n ? null : divHalfUp(w, m);
}

/** What a job's slices say, for its bill and its receipt. */
export interface MeteredUsage {
  slices: number;
  slicesDigest: string;
  scmMilli: bigint;
  /** METER_CEIL of scmMilli; 0 without slices. */
  billedScm: bigint;
  /** null without metered SCM (the bill then uses the attested runtime and the spot price now). */
  twapMicro: bigint | null;
}

export function meteredUsage(slices: readonly Slice[]): MeteredUsage {
  const scmMilli = slices.reduce((s, x) => s + x.scmDeltaMilli, 0n);
  return { slices: slices.length, slicesDigest: slicesDigest(slices), scmMilli, billedScm: divCeil(scmMilli, 1000n), twapMicro: twapMicro(slices) };
}
