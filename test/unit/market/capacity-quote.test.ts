import { describe, expect, it } from 'vitest';
import { PROVIDER_FIXTURES, runtimeToScu, type Provider } from '../../../functions/market/domain/catalog.ts';
import { forecastScu, maxNotionalScu, remainingScu } from '../../../functions/market/domain/capacity.ts';
import { MAX_QUOTE_ALLOCATIONS, planQuote, type Offer } from '../../../functions/market/domain/quote.ts';
import { planPurchase } from '../../../functions/market/domain/purchase.ts';
import { price } from '../../../functions/market/domain/pricing.ts';

const byId = (id: string) => PROVIDER_FIXTURES.find((p) => p.id === id) as Provider;

describe('catalog', () => {
  it('holds 13 providers with distinct ids', () => {
    expect(PROVIDER_FIXTURES).toHaveLength(13);
    expect(new Set(PROVIDER_FIXTURES.map((p) => p.id)).size).toBe(13);
  });

  it.each([
    [60n, 1000n, 1n],
    [61n, 1000n, 2n],
    [60n, 1400n, 2n],
    [3600n, 700n, 42n],
    [1n, 450n, 1n],
  ])('RUNTIME_CEIL: %is at %i mSCM/min → %i SCU', (s, m, want) => expect(runtimeToScu(s, m)).toBe(want));
});

describe('capacity', () => {
  it('forecast = SCU/h × 24 × days; max rounds down (CAPACITY_FLOOR)', () => {
    const a = byId('alpha');
    expect(forecastScu(a, 'T90D')).toBe(4800n * 24n * 90n);
    // 10,368,000 × 0.30 × 0.95 = 2,954,880 exactly
    expect(maxNotionalScu(a, 'T90D')).toBe(2_954_880n);
    const odd: Provider = { ...a, scuPerHour: 1n, reservedFractionPpm: 333_333n, reliabilityFloorPpm: 999_999n };
    // 168 × 0.333333 × 0.999999 = 55.99988… → 55
    expect(maxNotionalScu(odd, 'T7D')).toBe(55n);
  });

  it('remaining never goes negative', () => {
    expect(remainingScu(10n, 3n)).toBe(7n);
    expect(remainingScu(10n, 12n)).toBe(0n);
  });
});

const offer = (id: string, max: bigint, sold = 0n): Offer => ({ provider: byId(id), maxScu: max, soldScu: sold });

describe('quote', () => {
  it('fills cheapest first, across providers, and flags partial fills', () => {
    const q = planQuote([offer('beta', 100n), offer('alpha', 50n), offer('gamma', 10n)], 'T30D', 120n);
    expect(q.allocations.map((a) => [a.providerId, a.scu])).toEqual([
      ['alpha', 50n],
      ['beta', 70n],
    ]);
    expect(q.partial).toBe(false);
    expect(q.totalMicro).toBe(q.allocations.reduce((s, a) => s + a.scu * a.lockMicro, 0n));
    const short = planQuote([offer('alpha', 5n)], 'T30D', 8n);
    expect(short).toMatchObject({ filledScu: 5n, partial: true });
  });

  it('skips providers without remaining capacity and breaks price ties by id', () => {
    const twin: Provider = { ...byId('alpha'), id: 'aaa' };
    const q = planQuote([offer('alpha', 10n), { provider: twin, maxScu: 10n, soldScu: 0n }, offer('zeta', 10n, 10n)], 'T7D', 15n);
    expect(q.allocations.map((a) => a.providerId)).toEqual(['aaa', 'alpha']);
  });

  it(`spans at most ${MAX_QUOTE_ALLOCATIONS} providers`, () => {
    const q = planQuote(
      PROVIDER_FIXTURES.map((p) => ({ provider: p, maxScu: 1n, soldScu: 0n })),
      'T7D',
      13n,
    );
    expect(q.allocations).toHaveLength(MAX_QUOTE_ALLOCATIONS);
    expect(q.partial).toBe(true);
  });

  it('returns an empty, partial quote when nothing is available', () => {
    expect(planQuote([], 'T7D', 3n)).toEqual({ allocations: [], filledScu: 0n, totalMicro: 0n, partial: true });
  });
});

describe('purchase planning', () => {
  const q = planQuote([offer('alpha', 1000n)], 'T90D', 250n);

  it('charges total = commit part + escrow part, exactly', () => {
    const plan = planPurchase(q.allocations, new Map([['alpha', offer('alpha', 1000n)]]), 'T90D');
    if (!plan.ok) throw new Error('expected ok');
    const l = plan.lines[0]!;
    expect(l.commitTotalMicro + l.escrowMicro).toBe(l.totalMicro);
    expect(l.totalMicro).toBe(250n * l.lockMicro);
    expect(l.soldLimitScu).toBe(750n);
  });

  it('rejects a price that rose beyond the tolerance, with both prices', () => {
    const plan = planPurchase(q.allocations, new Map([['alpha', offer('alpha', 1000n, 990n)]]), 'T90D');
    expect(plan).toMatchObject({ ok: false, reason: 'capacity_exhausted' });
    const risen = planPurchase(q.allocations, new Map([['alpha', offer('alpha', 10_000n, 9_000n)]]), 'T90D');
    expect(risen).toMatchObject({ ok: false, reason: 'price_drifted', quotedLockMicro: q.allocations[0]!.lockMicro });
  });

  it('charges the lower price when the market fell, never more than quoted', () => {
    const hot = planQuote([offer('alpha', 1000n, 720n)], 'T90D', 10n);
    const plan = planPurchase(hot.allocations, new Map([['alpha', offer('alpha', 1000n, 0n)]]), 'T90D');
    if (!plan.ok) throw new Error('expected ok');
    expect(plan.lines[0]!.lockMicro).toBe(price(byId('alpha'), 'T90D', 0n, 1000n).lockMicro);
    expect(plan.lines[0]!.lockMicro).toBeLessThan(hot.allocations[0]!.lockMicro);
  });

  it('an unknown provider in the quote is exhausted capacity', () => {
    expect(planPurchase(q.allocations, new Map(), 'T90D')).toMatchObject({ ok: false, reason: 'capacity_exhausted', remainingScu: 0n });
  });
});
