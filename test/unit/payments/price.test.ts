import { describe, expect, it } from 'vitest';
import {
  centsForMicroAcu,
  microAcuForCents,
  payoutCentsFor,
  PRICE_TABLE,
  priceAt,
  priceVersion,
  refundMicroAcu,
  UnknownPriceVersionError,
  type PriceVersion,
} from '../../../functions/payments/domain/price.ts';

/** A rate that does not divide evenly: 30,000 µACU per 7 cents. */
const odd: PriceVersion = { version: 'x', effectiveFrom: '2026-06-01T00:00:00.000Z', microAcuPerCent: { num: 30_000n, den: 7n } };
const table: PriceVersion[] = [{ version: 'a', effectiveFrom: '2026-01-01T00:00:00.000Z', microAcuPerCent: { num: 10_000n, den: 1n } }, odd];

describe('the price table', () => {
  it('has one p1 at 1 ACU per USD', () => {
    expect(PRICE_TABLE[0]).toMatchObject({ version: 'p1' });
    expect(microAcuForCents(priceVersion('p1'), 100n)).toBe(1_000_000n);
  });
  it('picks the latest version in force', () => {
    expect(priceAt(Date.parse('2026-05-31T23:59:59.999Z'), table).version).toBe('a');
    expect(priceAt(Date.parse('2026-06-01T00:00:00.000Z'), table).version).toBe('x');
    expect(() => priceAt(Date.parse('2025-12-31T00:00:00Z'), table)).toThrow(RangeError);
  });
  it('refuses an unknown version', () => expect(() => priceVersion('p999')).toThrow(UnknownPriceVersionError));
});

describe('named rounding', () => {
  it('cents → µACU is FLOOR', () => {
    // 1 cent = 30000/7 = 4285.71… µACU
    expect(microAcuForCents(odd, 1n)).toBe(4285n);
    expect(microAcuForCents(odd, 7n)).toBe(30_000n);
  });
  it('µACU asked → cents is CEIL, and the credit covers what was asked', () => {
    for (const asked of [1n, 4285n, 4286n, 29_999n, 30_000n, 1_000_000n, 123_456_789n]) {
      const cents = centsForMicroAcu(odd, asked);
      expect(microAcuForCents(odd, cents)).toBeGreaterThanOrEqual(asked);
      expect(microAcuForCents(odd, cents - 1n)).toBeLessThan(asked);
    }
  });
  it('payouts → cents is FLOOR: never more than the µACU are worth', () => {
    for (const m of [4285n, 4286n, 30_000n, 1_000_001n]) {
      const cents = payoutCentsFor(odd, m);
      expect(microAcuForCents(odd, cents)).toBeLessThanOrEqual(m);
      // One cent more is worth more than m, exactly (as a rational, before any rounding).
      expect((cents + 1n) * odd.microAcuPerCent.num).toBeGreaterThan(m * odd.microAcuPerCent.den);
    }
  });
  it('refunds are cumulative FLOOR, and a full refund takes the whole credit', () => {
    const credited = microAcuForCents(odd, 1001n);
    expect(refundMicroAcu(credited, 1001n, 1001n)).toBe(credited);
    expect(refundMicroAcu(credited, 1001n, 2000n)).toBe(credited);
    let prev = 0n;
    for (let r = 0n; r <= 1001n; r += 77n) {
      const v = refundMicroAcu(credited, 1001n, r);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
    expect(refundMicroAcu(credited, 1001n, 500n)).toBe((credited * 500n) / 1001n);
  });
});
