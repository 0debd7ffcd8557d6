/**
 * Expiry (seed §1.6): γ(u) = 0.7 × min(1, u / 0.9) with u = used / max, in exact integers.
 *
 *   γ = 7/10 × min(1, 10·used / (9·max)) = 7 · min(10·used, 9·max) / (90 · max)
 *   refund   = floor(escrow × 7 × min(10·used, 9·max) / (90 × max))   (REFUND_FLOOR)
 *   breakage = escrow − refund                                         (exact remainder)
 *
 * The sub-µACU remainder of the refund goes to the provider. An RC sold down to max 0 has
 * nothing in escrow and refunds nothing.
 */
export interface ExpirySplit {
  refundMicro: bigint;
  breakageMicro: bigint;
}

export function expirySplit(escrowMicro: bigint, usedScu: bigint, maxScu: bigint): ExpirySplit {
  if (escrowMicro <= 0n || maxScu <= 0n) return { refundMicro: 0n, breakageMicro: escrowMicro > 0n ? escrowMicro : 0n };
  const tenU = 10n * usedScu;
  const nineMax = 9n * maxScu;
  const m = tenU < nineMax ? tenU : nineMax;
  const refundMicro = (escrowMicro * 7n * m) / (90n * maxScu);
  return { refundMicro, breakageMicro: escrowMicro - refundMicro };
}
