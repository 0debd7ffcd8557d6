/**
 * Moving part of an RC's escrow. Named rounding ESCROW_SHARE_FLOOR: the share for `scu`
 * of the RC's `remaining` SCU is floor(escrow × scu / remaining), and taking the last SCU
 * takes all that is left, so no dust stays behind. Because escrow starts at
 * max × usage fee, it stays remaining × usage fee and the floor is exact in practice;
 * the rule matters only if an escrow was ever set otherwise.
 */
export function escrowShare(escrowMicro: bigint, scu: bigint, remainingScu: bigint): bigint {
  if (scu <= 0n) return 0n;
  if (scu >= remainingScu) return escrowMicro;
  return (escrowMicro * scu) / remainingScu;
}
