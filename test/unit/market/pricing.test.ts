import { describe, expect, it } from 'vitest';
import { CURVE, PROVIDER_FIXTURES, TENOR_IDS, TENORS, type Provider } from '../../../functions/market/domain/catalog.ts';
import { drifted, expNegScaled, ONE, price, splitFees, termPremiumScaled, utilPremiumScaled } from '../../../functions/market/domain/pricing.ts';

const alpha = PROVIDER_FIXTURES.find((p) => p.id === 'alpha') as Provider;

describe('fixed-point e^(−x)', () => {
  it.each([
    [0n, 1n],
    [7n, 60n],
    [30n, 60n],
    [90n, 60n],
    [180n, 60n],
    [1n, 3n],
    [5n, 1n],
  ])('e^(−%i/%i) matches Math.exp within 1e-14 relative', (p, q) => {
    const got = Number(expNegScaled(p, q)) / 1e18;
    const want = Math.exp(-Number(p) / Number(q));
    expect(Math.abs(got - want) / want).toBeLessThan(1e-14);
  });

  it('is deterministic and never above the true value by more than one unit', () => {
    expect(expNegScaled(90n, 60n)).toBe(expNegScaled(90n, 60n));
    expect(expNegScaled(0n, 60n)).toBe(ONE);
  });

  it.each(TENOR_IDS)('term premium for %s matches tp_max × (1 − e^(−days/τ)) within 1e-12', (t) => {
    const days = Number(TENORS[t].days);
    const want = 0.15 * (1 - Math.exp(-days / 60));
    expect(Math.abs(Number(termPremiumScaled(TENORS[t].days)) / 1e18 - want)).toBeLessThan(1e-12);
  });
});

describe('utilisation premium', () => {
  it.each([
    [0n, 1000n, 0],
    [700n, 1000n, 0],
    [800n, 1000n, 0.05],
    [1000n, 1000n, 0.15],
    [0n, 0n, 0.15],
  ])('sold %i of %i → %f', (sold, max, want) => {
    expect(Number(utilPremiumScaled(sold, max)) / 1e18).toBeCloseTo(want, 15);
  });
});

describe('lock price and fee split', () => {
  it('lock = spot × (1 + tp) × (1 + up), LOCK_HALF_UP to the µACU', () => {
    const p = price(alpha, 'T90D', 0n, 1000n);
    const want = 10 * (1 + 0.15 * (1 - Math.exp(-1.5)));
    expect(Number(p.lockMicro) / 1e6).toBeCloseTo(want, 5);
    // The float formula, rounded half up, gives the same µACU here.
    expect(p.lockMicro).toBe(BigInt(Math.round(want * 1e6)));
  });

  it.each(TENOR_IDS)('commit + usage = lock exactly for %s across many prices', (t) => {
    for (let lock = 1n; lock < 5_000_000n; lock += 7919n) {
      const s = splitFees(lock, t);
      expect(s.commitMicro + s.usageMicro).toBe(lock);
      expect(s.usageMicro).toBeGreaterThanOrEqual(0n);
    }
  });

  it('COMMIT_HALF_UP rounds a half µACU up', () => {
    // 3 µACU × 0.5 = 1.5 → 2 (T7D commit fraction 0.5)
    expect(splitFees(3n, 'T7D')).toEqual({ commitMicro: 2n, usageMicro: 1n });
    expect(splitFees(5n, 'T90D')).toEqual({ commitMicro: 1n, usageMicro: 4n }); // 1.25 → 1
  });

  it('longer tenors cost more; utilisation raises the price', () => {
    const prices = TENOR_IDS.map((t) => price(alpha, t, 0n, 1000n).lockMicro);
    expect([...prices].sort((a, b) => (a < b ? -1 : 1))).toEqual(prices);
    expect(price(alpha, 'T30D', 900n, 1000n).lockMicro).toBeGreaterThan(price(alpha, 'T30D', 100n, 1000n).lockMicro);
  });

  it('drift tolerance is 1% of the quoted price, inclusive', () => {
    expect(drifted(10_000_000n, 10_100_000n)).toBe(false);
    expect(drifted(10_000_000n, 10_100_001n)).toBe(true);
    expect(drifted(10_000_000n, 9_000_000n)).toBe(false);
  });

  it('uses the documented curve parameters', () => {
    expect(CURVE).toEqual({ termPremiumMaxPpm: 150_000n, termTauDays: 60n, utilSlopePpm: 500_000n, utilTargetPpm: 700_000n });
  });
});
