/** The oracle's clearing price: worked examples from the seed's pipeline (§8.3) and properties over seeded random supply. */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import {
  bucketIdOf,
  clearBucket,
  clearingPrice,
  liveOffers,
  supplyCurve,
  surgeBps,
  utilisationBps,
  type DemandConfig,
  type SupplyOffer,
} from '../../../functions/control-plane/domain/oracle.ts';

const SEED = Number(process.env.FC_SEED ?? 20261202);
console.log(`oracle property seed: ${SEED} (FC_SEED=<n> to replay)`);

const NOW = Date.UTC(2026, 11, 2, 7);
const offer = (providerId: string, capacityScm: bigint, priceMicro: bigint, over: Partial<SupplyOffer> = {}): SupplyOffer => ({
  providerId,
  gpuProfile: 'H100',
  region: 'us-east-1',
  capacityScm,
  priceMicro,
  offeredAt: NOW - 60_000,
  ...over,
});
const cfg: DemandConfig = {
  gpuProfile: 'H100',
  region: 'us-east-1',
  windowMinutes: 15,
  demandScm: 100n,
  reserveRatioBps: 0n,
  floorPriceMicro: 0n,
  capPriceMicro: 100_000_000n,
};

describe('surge (1.0× at 95 % → 1.5× at 100 %, linear)', () => {
  it.each([
    [0n, 10_000n],
    [9_000n, 10_000n],
    [9_500n, 10_000n],
    [9_600n, 11_000n],
    [9_750n, 12_500n],
    [9_999n, 14_990n],
    [10_000n, 15_000n],
  ])('utilisation %i bp → %i bp', (u, s) => expect(surgeBps(u)).toBe(s));
  it('utilisation rounds up (UTIL_CEIL) and an empty bucket is full', () => {
    expect(utilisationBps(1n, 3n)).toBe(3_334n);
    expect(utilisationBps(5n, 0n)).toBe(10_000n);
    expect(utilisationBps(500n, 100n)).toBe(10_000n);
  });
});

describe('clearing price', () => {
  // The seed's five providers (H100 × 8 at 2.50, A100 × 4 at 1.80, …) in one bucket for the arithmetic.
  const offers = [
    offer('A', 800n, 2_500_000n),
    offer('B', 400n, 1_800_000n),
    offer('C', 200n, 2_600_000n),
    offer('D', 800n, 1_750_000n),
    offer('E', 400n, 3_000_000n),
  ];
  const curve = supplyCurve(offers);

  it('the curve is sorted by price with cumulative capacity', () => {
    expect(curve.map((c) => [c.providerId, c.cumulativeScm])).toEqual([
      ['D', 800n],
      ['B', 1200n],
      ['A', 2000n],
      ['C', 2200n],
      ['E', 2600n],
    ]);
  });
  it('the marginal offer sets the price; allocations fill the demand cheapest first at that price', () => {
    const r = clearingPrice('H100:us-east-1', curve, 1000n, cfg);
    expect(r.marginalPriceMicro).toBe(1_800_000n);
    expect(r.clearingPriceMicro).toBe(1_800_000n);
    expect(r.utilisationBps).toBe(3_847n); // ⌈1000/2600⌉ in bp
    expect(r.surgeApplied).toBe(false);
    expect(r.allocations).toEqual([
      { providerId: 'D', scm: 800n, priceMicro: 1_800_000n },
      { providerId: 'B', scm: 200n, priceMicro: 1_800_000n },
    ]);
    expect(r.unfilledScm).toBe(0n);
  });
  it('the reserve ratio raises the quantity the curve must cover', () => {
    const r = clearingPrice('b', curve, 1000n, { ...cfg, reserveRatioBps: 2_500n }); // 1250 SCM needed
    expect(r.requiredScm).toBe(1250n);
    expect(r.marginalPriceMicro).toBe(2_500_000n);
    expect(r.allocations.reduce((s, a) => s + a.scm, 0n)).toBe(1000n);
  });
  it('surge applies above 95 % and rounds half up to the µACU (SURGE_HALF_UP)', () => {
    // 2522 of 2600 = 9700.0 bp → 1.2× on the marginal 3.00 ACU
    const r = clearingPrice('b', curve, 2522n, cfg);
    expect(r.utilisationBps).toBe(9_700n);
    expect(r.surgeBps).toBe(12_000n);
    expect(r.clearingPriceMicro).toBe(3_600_000n);
    const odd = clearingPrice('b', supplyCurve([offer('X', 10_000n, 3n)]), 9_999n, cfg); // 1.499× on 3 µACU = 4.497 → 4
    expect(odd.surgeBps).toBe(14_990n);
    expect(odd.clearingPriceMicro).toBe(4n);
  });
  it('short supply: the dearest offer at 1.5×, the rest unfilled', () => {
    const r = clearingPrice('b', curve, 3000n, cfg);
    expect(r.marginalPriceMicro).toBe(3_000_000n);
    expect(r.clearingPriceMicro).toBe(4_500_000n);
    expect(r.unfilledScm).toBe(400n);
  });
  it('bounds clamp the price and say which one', () => {
    expect(clearingPrice('b', curve, 3000n, { ...cfg, capPriceMicro: 4_000_000n })).toMatchObject({ clearingPriceMicro: 4_000_000n, bounded: 'cap' });
    expect(clearingPrice('b', curve, 10n, { ...cfg, floorPriceMicro: 2_000_000n })).toMatchObject({ clearingPriceMicro: 2_000_000n, bounded: 'floor' });
  });
  it('no live offer: no price', () => {
    const r = clearBucket([offer('A', 10n, 1n, { offeredAt: NOW - 16 * 60_000 })], cfg, NOW);
    expect(r).toMatchObject({ clearingPriceMicro: null, marginalPriceMicro: null, offers: 0, unfilledScm: 100n, utilisationBps: 10_000n });
  });
  it('buckets by profile and region, and the window drops stale and future offers', () => {
    const all = [
      offer('A', 10n, 5n),
      offer('B', 10n, 1n, { region: 'eu-west-1' }),
      offer('C', 10n, 2n, { offeredAt: NOW + 1 }),
      offer('D', 10n, 3n, { offeredAt: NOW - 15 * 60_000 }),
    ];
    expect(liveOffers(all, NOW, 15).map((o) => o.providerId)).toEqual(['A', 'B']);
    expect(clearBucket(all, cfg, NOW, 5n).allocations).toEqual([{ providerId: 'A', scm: 5n, priceMicro: 5n }]);
    expect(bucketIdOf('H100', 'us-east-1')).toBe('H100:us-east-1');
    expect(() => bucketIdOf('H100:x', 'r')).toThrow(RangeError);
  });
});

describe('properties (seeded)', () => {
  const offerArb = fc.record({
    providerId: fc.stringMatching(/^p[0-9]{1,3}$/),
    capacityScm: fc.bigInt({ min: 1n, max: 10_000n }),
    priceMicro: fc.bigInt({ min: 1n, max: 50_000_000n }),
  });
  const input = fc.record({
    offers: fc.uniqueArray(offerArb, { selector: (o) => o.providerId, minLength: 1, maxLength: 40 }),
    demand: fc.bigInt({ min: 0n, max: 200_000n }),
    reserve: fc.bigInt({ min: 0n, max: 5_000n }),
  });
  type Input = { offers: { providerId: string; capacityScm: bigint; priceMicro: bigint }[]; demand: bigint; reserve: bigint };
  const run = ({ offers, demand, reserve }: Input) =>
    clearingPrice('b', supplyCurve(offers.map((o) => offer(o.providerId, o.capacityScm, o.priceMicro))), demand, { ...cfg, reserveRatioBps: reserve });

  it('allocations never exceed an offer, sum to demand − unfilled, and are paid at least each ask', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = run(i);
        const cap = new Map(i.offers.map((o) => [o.providerId, o]));
        const total = r.allocations.reduce((s, a) => s + a.scm, 0n);
        expect(total + r.unfilledScm).toBe(i.demand);
        for (const a of r.allocations) {
          expect(a.scm).toBeLessThanOrEqual(cap.get(a.providerId)!.capacityScm);
          expect(a.priceMicro).toBeGreaterThanOrEqual(cap.get(a.providerId)!.priceMicro);
        }
        expect(r.surgeBps).toBeGreaterThanOrEqual(10_000n);
        expect(r.surgeBps).toBeLessThanOrEqual(15_000n);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
  it('the price never falls as demand grows (monotone supply curve × monotone surge)', () => {
    fc.assert(
      fc.property(input, fc.bigInt({ min: 0n, max: 50_000n }), (i, extra) => {
        const a = run(i);
        const b = run({ ...i, demand: i.demand + extra });
        expect(b.clearingPriceMicro!).toBeGreaterThanOrEqual(a.clearingPriceMicro!);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
  it('the order offers arrive in does not change the result', () => {
    fc.assert(
      fc.property(input, (i) => {
        const a = run(i);
        const b = run({ ...i, offers: [...i.offers].reverse() });
        expect(b).toEqual(a);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
