/**
 * Metering and settlement arithmetic (seed §8.2, §9.1).
 *
 * A slice is {jobId, bucketId, seq, scmDeltaMilli, priceIndexMicro}: milli-SCM used since the
 * last slice, at the bucket's price index (µACU per SCM). Its idempotency key is (job, seq)
 * and its content digest is SHA-256 of its canonical JSON: the same slice again succeeds
 * silently, a different slice with the same (job, seq) is refused.
 *
 *   scm      = Σ scmDeltaMilli / 1000                          (carried in milli-SCM)
 *   TWAP     = TWAP_HALF_UP(Σ(mSCM × price) / Σ mSCM)          µACU per SCM, SCM-weighted
 *   spot     = BURN_CEIL(spot mSCM × TWAP / 1000)              rounds up to the µACU
 *   hold     = HOLD_FLOOR(spot × hold bp)                      stays in escrow for the dispute window
 *   provider = spot − hold                                     (now; the hold later, or refunded)
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../platform/canonical-json.ts';
import { BPS, divCeil, divFloor, divHalfUp } from './units.ts';

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

export interface Settlement {
  meteredScmMilli: bigint;
  twapMicro: bigint;
  spotScmMilli: bigint;
  burnMicro: bigint;
  holdMicro: bigint;
  providerMicro: bigint;
}

/** The spot part of a job's bill: `coveredScmMilli` came from RCs (priced when they were sold). */
export function settle(slices: readonly Slice[], coveredScmMilli: bigint, holdBps: bigint, fallbackPriceMicro: bigint): Settlement {
  if (holdBps < 0n || holdBps > BPS) throw new RangeError('hold fraction is 0..10000 bp');
  const meteredScmMilli = slices.reduce((s, x) => s + x.scmDeltaMilli, 0n);
  const twap = twapMicro(slices) ?? fallbackPriceMicro;
  const spotScmMilli = meteredScmMilli > coveredScmMilli ? meteredScmMilli - coveredScmMilli : 0n;
  const burnMicro = divCeil(spotScmMilli * twap, 1000n);
  const holdMicro = divFloor(burnMicro * holdBps, BPS);
  return { meteredScmMilli, twapMicro: twap, spotScmMilli, burnMicro, holdMicro, providerMicro: burnMicro - holdMicro };
}
