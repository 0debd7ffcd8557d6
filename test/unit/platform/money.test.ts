import { describe, expect, it } from 'vitest';
import { AmountFormatError, divCeil, divFloor, divHalfUp, formatAcu, parseAcu, positiveAcu } from '../../../functions/platform/money.ts';

describe('money', () => {
  it.each([
    ['0', 0n],
    ['1', 1_000_000n],
    ['12.345678', 12_345_678n],
    ['0.000001', 1n],
    ['-3.5', -3_500_000n],
    ['999999999999999.999999', 999_999_999_999_999_999_999n],
  ])('parses %s exactly', (s, micro) => {
    expect(parseAcu(s)).toBe(micro);
  });

  it.each(['1.2345678', '1e3', '', ' 1', '1.', '.5', '0x10', 'NaN', '1,5'])('rejects %j', (s) => {
    expect(() => parseAcu(s)).toThrow(AmountFormatError);
  });

  it('names the 6-decimal limit', () => {
    expect(() => parseAcu('1.0000001')).toThrow(/more than 6 decimal places/);
  });

  it.each([
    [0n, '0.000000'],
    [1n, '0.000001'],
    [12_345_678n, '12.345678'],
    [-1_500_000n, '-1.500000'],
  ])('formats %s as %s', (m, s) => {
    expect(formatAcu(m)).toBe(s);
    expect(parseAcu(s)).toBe(m);
  });

  it('round-trips every value in a sweep', () => {
    for (let m = -2_000_001n; m <= 2_000_001n; m += 99_991n) expect(parseAcu(formatAcu(m))).toBe(m);
  });

  it.each([
    [7n, 2n, 3n, 4n, 4n],
    [6n, 2n, 3n, 3n, 3n],
    [5n, 3n, 1n, 2n, 2n],
    [4n, 3n, 1n, 2n, 1n],
    [-7n, 2n, -4n, -3n, -4n],
  ])('%s / %s: floor %s, ceil %s, half-up %s', (n, d, f, c, h) => {
    expect(divFloor(n, d)).toBe(f);
    expect(divCeil(n, d)).toBe(c);
    expect(divHalfUp(n, d)).toBe(h);
  });

  it('zod positiveAcu rejects zero, negatives and floats-as-numbers', () => {
    expect(positiveAcu.safeParse('0').success).toBe(false);
    expect(positiveAcu.safeParse('-1').success).toBe(false);
    expect(positiveAcu.safeParse(1.5).success).toBe(false);
    expect(positiveAcu.parse('1.5')).toBe(1_500_000n);
  });
});
