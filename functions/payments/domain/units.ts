/**
 * Token base units ↔ micro-ACU. An ERC-20 with `decimals` d counts 10^d base units per token;
 * the ledger counts 10^6 µACU per ACU, so one µACU is 10^(d−6) base units. µACU → base units is
 * exact. Base units → µACU rounds FLOOR (named in platform/money.ts): a fraction of a µACU seen
 * on chain is never credited, and the dropped remainder is returned so a caller can report it.
 * Tokens with fewer than 6 decimals cannot carry every µACU amount and are refused.
 */
import { ACU_DECIMALS, divFloor, type MicroAcu } from '../../platform/money.ts';

/** An amount in a token's smallest unit, as the chain counts it. */
export type BaseUnits = bigint;

/** The largest decimals an ERC-20 can usefully have: 10^77 is the last power of ten in a uint256. */
const MAX_DECIMALS = 77;

export class TokenDecimalsError extends Error {
  readonly code = 'unsupported_token_decimals';
  constructor(readonly decimals: number) {
    super(`a token with ${decimals} decimals cannot carry micro-ACU amounts (need an integer from ${ACU_DECIMALS} to ${MAX_DECIMALS})`);
    this.name = 'TokenDecimalsError';
  }
}

export class SubMicroAmountError extends Error {
  readonly code = 'sub_micro_amount';
  constructor(
    readonly baseUnits: BaseUnits,
    readonly remainderBaseUnits: BaseUnits,
  ) {
    super(`${baseUnits} base units is not a whole number of micro-ACU (remainder ${remainderBaseUnits})`);
    this.name = 'SubMicroAmountError';
  }
}

/** Base units per µACU: 10^(decimals − 6). */
export function baseUnitsPerMicroAcu(decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < ACU_DECIMALS || decimals > MAX_DECIMALS) throw new TokenDecimalsError(decimals);
  return 10n ** BigInt(decimals - ACU_DECIMALS);
}

/** Exact: every µACU amount is a whole number of base units. */
export function microAcuToBaseUnits(microAcu: MicroAcu, decimals: number): BaseUnits {
  return microAcu * baseUnitsPerMicroAcu(decimals);
}

/** FLOOR: the whole µACU in `baseUnits`, and the base units left over (0 ≤ remainder < 10^(d−6)). */
export function baseUnitsToMicroAcu(baseUnits: BaseUnits, decimals: number): { microAcu: MicroAcu; remainderBaseUnits: BaseUnits } {
  const per = baseUnitsPerMicroAcu(decimals);
  const microAcu = divFloor(baseUnits, per);
  return { microAcu, remainderBaseUnits: baseUnits - microAcu * per };
}

/** For amounts that must be whole µACU: the µACU, or SubMicroAmountError naming the remainder. */
export function baseUnitsToMicroAcuExact(baseUnits: BaseUnits, decimals: number): MicroAcu {
  const { microAcu, remainderBaseUnits } = baseUnitsToMicroAcu(baseUnits, decimals);
  if (remainderBaseUnits !== 0n) throw new SubMicroAmountError(baseUnits, remainderBaseUnits);
  return microAcu;
}
