import { describe, expect, it } from 'vitest';
import {
  baseUnitsPerMicroAcu,
  baseUnitsToMicroAcu,
  baseUnitsToMicroAcuExact,
  microAcuToBaseUnits,
  SubMicroAmountError,
  TokenDecimalsError,
} from '../../../functions/payments/domain/units.ts';

const E12 = 10n ** 12n;

describe('base units per µACU', () => {
  it.each([
    [18, E12],
    [6, 1n],
    [8, 100n],
    [77, 10n ** 71n],
  ])('%i decimals → %i', (d, per) => expect(baseUnitsPerMicroAcu(d)).toBe(per));

  it.each([5, 0, -1, 78, 18.5, Number.NaN])('refuses %s decimals', (d) => {
    expect(() => baseUnitsPerMicroAcu(d)).toThrow(TokenDecimalsError);
  });
});

describe('µACU → base units is exact', () => {
  it.each([
    [0n, 18, 0n],
    [1n, 18, E12],
    [1_000_000n, 18, 10n ** 18n],
    [12_345_678n, 18, 12_345_678n * E12],
    [7n, 6, 7n],
    [-3n, 18, -3n * E12],
  ])('%i µACU at %i decimals → %i', (micro, d, units) => {
    expect(microAcuToBaseUnits(micro, d)).toBe(units);
  });

  it('round-trips every µACU amount', () => {
    for (const micro of [0n, 1n, 999_999n, 1_000_000n, 123_456_789_012_345n]) {
      expect(baseUnitsToMicroAcuExact(microAcuToBaseUnits(micro, 18), 18)).toBe(micro);
    }
  });
});

describe('base units → µACU rounds FLOOR', () => {
  it.each([
    // [base units, decimals, µACU, remainder]
    [0n, 18, 0n, 0n],
    [E12, 18, 1n, 0n],
    [E12 - 1n, 18, 0n, E12 - 1n],
    [E12 + 1n, 18, 1n, 1n],
    [2n * E12 - 1n, 18, 1n, E12 - 1n],
    [10n ** 18n, 18, 1_000_000n, 0n],
    [155n, 8, 1n, 55n],
    [5n, 6, 5n, 0n],
  ])('%i at %i decimals → %i µACU, %i left over', (units, d, micro, rest) => {
    expect(baseUnitsToMicroAcu(units, d)).toEqual({ microAcu: micro, remainderBaseUnits: rest });
  });

  it('never rounds up: half a µACU and more is still dropped', () => {
    expect(baseUnitsToMicroAcu(E12 / 2n, 18).microAcu).toBe(0n);
    expect(baseUnitsToMicroAcu((E12 * 3n) / 2n, 18).microAcu).toBe(1n);
  });

  it('the exact variant refuses a remainder and names it', () => {
    const err = (() => {
      try {
        baseUnitsToMicroAcuExact(E12 + 7n, 18);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SubMicroAmountError);
    expect(err).toMatchObject({ code: 'sub_micro_amount', baseUnits: E12 + 7n, remainderBaseUnits: 7n });
  });
});
