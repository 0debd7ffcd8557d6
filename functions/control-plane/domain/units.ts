/**
 * The control plane's integers. Prices are µACU per SCM (bigint); ratios are basis points
 * (1 bp = 1/10,000); quantities are whole SCM (bigint). Every division names its rounding
 * (CEIL, FLOOR, HALF_UP: platform/money.ts).
 */
export { divCeil, divFloor, divHalfUp, maxBig, minBig } from '../../platform/money.ts';

export const BPS = 10_000n;
