/**
 * Money is integer micro-ACU (1 ACU = 1,000,000 µACU) held in `bigint`.
 * The API speaks exact decimal strings ("12.345678"); nothing here touches floats.
 */
import * as z from 'zod';

export type MicroAcu = bigint;

export const MICRO_PER_ACU = 1_000_000n;
export const ACU_DECIMALS = 6;

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d{1,6}))?$/;

export class AmountFormatError extends Error {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid ACU amount "${input}": ${reason}`);
    this.name = 'AmountFormatError';
  }
}

/** Parses "12.345678" into 12345678n µACU. Rejects more than 6 decimals, exponents, blanks. */
export function parseAcu(input: string): MicroAcu {
  const m = DECIMAL.exec(input);
  if (!m) {
    const frac = /^-?\d+\.(\d+)$/.exec(input);
    if (frac && frac[1]!.length > ACU_DECIMALS) throw new AmountFormatError(input, 'more than 6 decimal places');
    throw new AmountFormatError(input, 'expected a decimal string such as "12.345678"');
  }
  const [, sign, whole, frac = ''] = m;
  const micro = BigInt(whole!) * MICRO_PER_ACU + BigInt(frac.padEnd(ACU_DECIMALS, '0'));
  return sign ? -micro : micro;
}

/** Formats µACU as a decimal string with exactly 6 decimals: 12345678n → "12.345678". */
export function formatAcu(micro: MicroAcu): string {
  const neg = micro < 0n;
  const abs = neg ? -micro : micro;
  const whole = abs / MICRO_PER_ACU;
  const frac = (abs % MICRO_PER_ACU).toString().padStart(ACU_DECIMALS, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Integer division rounding toward −∞ for non-negative operands (named: FLOOR). */
export function divFloor(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const q = n / d;
  return n < 0n && q * d !== n ? q - 1n : q;
}

/** Integer division rounding toward +∞ (named: CEIL). */
export function divCeil(n: bigint, d: bigint): bigint {
  return -divFloor(-n, d);
}

/** Integer division rounding half away from zero (named: HALF_UP), for prices. */
export function divHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (a * 2n + d) / (2n * d);
  return neg ? -q : q;
}

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Zod: a strictly positive ACU decimal string, parsed to µACU. */
export const positiveAcu = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,6})?$/, 'expected a positive decimal string with at most 6 decimals, such as "12.5"')
  .transform((s) => parseAcu(s))
  .refine((v) => v > 0n, 'must be greater than zero');

/** Zod: a non-negative ACU decimal string, parsed to µACU. */
export const nonNegativeAcu = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,6})?$/, 'expected a decimal string with at most 6 decimals, such as "12.5"')
  .transform((s) => parseAcu(s));

/** Zod: an ACU amount as it leaves the API (always 6 decimals). */
export const acuString = z
  .string()
  .regex(/^-?\d+\.\d{6}$/)
  .describe('ACU amount, decimal string with 6 decimals');
