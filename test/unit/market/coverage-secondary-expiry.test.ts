import { describe, expect, it } from 'vitest';
import type { Rc } from '../../../functions/market/domain/rc.ts';
import { MAX_RCS_PER_JOB, planCoverage, planJobs } from '../../../functions/market/domain/coverage.ts';
import { escrowShare } from '../../../functions/market/domain/escrow.ts';
import { checkListing, checkTrade, planTrade, type Listing } from '../../../functions/market/domain/secondary.ts';
import { expirySplit } from '../../../functions/market/domain/expiry.ts';

const NOW = '2026-11-23T12:00:00.000Z';

function rc(over: Partial<Rc> = {}): Rc {
  const maxScu = over.maxScu ?? 100n;
  const usedScu = over.usedScu ?? 0n;
  return {
    rcId: 'rc_1',
    ownerId: 'u1',
    providerId: 'alpha',
    gpuProfile: 'H100',
    region: 'us-east',
    tenor: 'T90D',
    status: 'ACTIVE',
    maxScu,
    usedScu,
    listedScu: 0n,
    lockMicro: 11_000_000n,
    commitMicro: 2_750_000n,
    usageMicro: 8_250_000n,
    escrowMicro: (maxScu - usedScu) * 8_250_000n,
    createdAt: '2026-11-01T00:00:00.000Z',
    expiresAt: '2027-01-01T00:00:00.000Z',
    parentRcId: null,
    version: 0n,
    ...over,
  };
}

describe('coverage', () => {
  it('draws earliest expiry first, marks FULLY_USED, bills the rest at spot', () => {
    const a = rc({ rcId: 'rc_a', maxScu: 10n, expiresAt: '2026-12-01T00:00:00.000Z' });
    const b = rc({ rcId: 'rc_b', maxScu: 10n, expiresAt: '2026-12-05T00:00:00.000Z' });
    const plan = planCoverage([b, a], NOW, 25n, 10_000_000n, 1_000_000_000n);
    expect(plan.draws.map((d) => [d.rcId, d.scu, d.statusAfter])).toEqual([
      ['rc_a', 10n, 'FULLY_USED'],
      ['rc_b', 10n, 'FULLY_USED'],
    ]);
    expect(plan.draws.every((d) => d.escrowAfter === 0n)).toBe(true);
    expect(plan).toMatchObject({ coveredScu: 20n, spotScu: 5n, spotCostMicro: 50_000_000n, spotPaidMicro: 50_000_000n, arrearsMicro: 0n });
    expect(plan.payoutMicro).toBe(20n * 8_250_000n + 50_000_000n);
  });

  it('skips expired, non-ACTIVE and fully listed RCs', () => {
    const rcs = [
      rc({ rcId: 'rc_exp', expiresAt: NOW }),
      rc({ rcId: 'rc_full', status: 'FULLY_USED', usedScu: 100n }),
      rc({ rcId: 'rc_listed', listedScu: 100n }),
      rc({ rcId: 'rc_ok', listedScu: 60n }),
    ];
    const plan = planCoverage(rcs, NOW, 50n, 1n, 0n);
    expect(plan.draws.map((d) => [d.rcId, d.scu])).toEqual([['rc_ok', 40n]]);
  });

  it.each([
    ['balance covers all', 100_000_000n, 30_000_000n, 0n],
    ['balance covers part: rest to arrears', 12_000_000n, 12_000_000n, 18_000_000n],
    ['zero balance: all arrears', 0n, 0n, 30_000_000n],
    ['negative balance read is treated as zero', -5n, 0n, 30_000_000n],
  ])('shortfall rule — %s', (_n, balance, paid, arrears) => {
    const plan = planCoverage([], NOW, 3n, 10_000_000n, balance);
    expect(plan.spotPaidMicro).toBe(paid);
    expect(plan.arrearsMicro).toBe(arrears);
    expect(plan.spotPaidMicro + plan.arrearsMicro).toBe(plan.spotCostMicro);
    expect(plan.payoutMicro).toBe(plan.spotCostMicro);
  });

  it(`touches at most ${MAX_RCS_PER_JOB} RCs`, () => {
    const rcs = Array.from({ length: 12 }, (_, i) => rc({ rcId: `rc_${String(i).padStart(2, '0')}`, maxScu: 1n }));
    const plan = planCoverage(rcs, NOW, 12n, 5n, 100n);
    expect(plan.draws).toHaveLength(MAX_RCS_PER_JOB);
    expect(plan.spotScu).toBe(4n);
  });
});

/** Jobs of these SCU, all priced at `price` µACU per SCU. */
const at = (price: bigint, ...scus: bigint[]) => scus.map((scu) => ({ scu, spotPriceMicro: price }));

describe('coverage of a batch (planJobs)', () => {
  it("each job's uncovered part pays its own price (a metered job's TWAP)", () => {
    const batch = planJobs(
      [],
      NOW,
      [
        { scu: 2n, spotPriceMicro: 7n },
        { scu: 3n, spotPriceMicro: 11n },
      ],
      1_000n,
    );
    expect(batch.plans.map((p) => [p.spotCostMicro, p.spotPaidMicro, p.payoutMicro])).toEqual([
      [14n, 14n, 14n],
      [33n, 33n, 33n],
    ]);
  });

  it('HOLD_FLOOR: the held part is floor(spot cost × bp / 10,000), of the spot part only', () => {
    const a = rc({ rcId: 'rc_a', maxScu: 5n });
    // 5 SCU from the RC (no hold), 3 at spot: 3 × 3,333 = 9,999 µACU, 10 % held = 999.9 → 999.
    const [plan] = planJobs([a], NOW, at(3_333n, 8n), 1_000_000n, 1_000n).plans;
    expect([plan!.coveredScu, plan!.spotCostMicro, plan!.holdMicro]).toEqual([5n, 9_999n, 999n]);
    expect(planJobs([], NOW, at(3_333n, 3n), 0n, 10_000n).plans[0]!.holdMicro).toBe(9_999n);
    expect(planJobs([], NOW, at(3_333n, 3n), 0n, 0n).plans[0]!.holdMicro).toBe(0n);
    expect(() => planJobs([], NOW, at(1n, 1n), 0n, 10_001n)).toThrow(RangeError);
  });

  it('each job sees what the jobs before it left; one write per RC at its final state', () => {
    const a = rc({ rcId: 'rc_a', maxScu: 5n, expiresAt: '2026-12-01T00:00:00.000Z', version: 3n });
    const b = rc({ rcId: 'rc_b', maxScu: 5n, expiresAt: '2026-12-05T00:00:00.000Z', version: 7n });
    const batch = planJobs([b, a], NOW, at(10_000_000n, 3n, 4n, 5n), 15_000_000n);
    expect(batch.plans.map((p) => p.draws.map((d) => [d.rcId, d.scu]))).toEqual([
      [['rc_a', 3n]],
      [
        ['rc_a', 2n],
        ['rc_b', 2n],
      ],
      [['rc_b', 3n]],
    ]);
    // 2 SCU at spot for 20 ACU: the 15 ACU balance pays 15, the rest is arrears.
    expect(batch.plans.map((p) => [p.spotScu, p.spotPaidMicro, p.arrearsMicro])).toEqual([
      [0n, 0n, 0n],
      [0n, 0n, 0n],
      [2n, 15_000_000n, 5_000_000n],
    ]);
    expect(batch.rcs.map((d) => [d.rcId, d.scu, d.usageMicro, d.usedScuAfter, d.escrowAfter, d.statusAfter, d.version])).toEqual([
      ['rc_a', 5n, 5n * 8_250_000n, 5n, 0n, 'FULLY_USED', 3n],
      ['rc_b', 5n, 5n * 8_250_000n, 5n, 0n, 'FULLY_USED', 7n],
    ]);
  });

  it('the balance is spent once across the batch', () => {
    const batch = planJobs([], NOW, at(10_000_000n, 1n, 1n, 1n), 25_000_000n);
    expect(batch.plans.map((p) => [p.spotPaidMicro, p.arrearsMicro])).toEqual([
      [10_000_000n, 0n],
      [10_000_000n, 0n],
      [5_000_000n, 5_000_000n],
    ]);
  });

  it(`a batch draws from at most ${MAX_RCS_PER_JOB} RCs in all (one transaction)`, () => {
    const rcs = Array.from({ length: 12 }, (_, i) => rc({ rcId: `rc_${String(i).padStart(2, '0')}`, maxScu: 1n }));
    const batch = planJobs(rcs, NOW, at(5n, 6n, 6n), 100n);
    expect(batch.rcs).toHaveLength(MAX_RCS_PER_JOB);
    expect(batch.plans.map((p) => [p.coveredScu, p.spotScu])).toEqual([
      [6n, 0n],
      [2n, 4n],
    ]);
  });

  it('a batch of one is the single plan', () => {
    const rcs = [rc({ rcId: 'rc_x', maxScu: 7n, usedScu: 2n })];
    expect(planJobs(rcs, NOW, at(3n, 4n), 0n).plans[0]).toEqual(planCoverage(rcs, NOW, 4n, 3n, 0n));
  });
});

describe('ESCROW_SHARE_FLOOR', () => {
  it.each([
    [1000n, 3n, 10n, 300n],
    [1000n, 1n, 3n, 333n],
    [1000n, 2n, 3n, 666n],
    [1000n, 3n, 3n, 1000n],
    [1000n, 0n, 3n, 0n],
  ])('share of %i for %i of %i SCU = %i', (e, s, r, want) => expect(escrowShare(e, s, r)).toBe(want));

  it('taking the SCU one at a time leaves no dust', () => {
    let escrow = 1000n;
    let moved = 0n;
    for (let remaining = 7n; remaining > 0n; remaining--) {
      const s = escrowShare(escrow, 1n, remaining);
      escrow -= s;
      moved += s;
    }
    expect(escrow).toBe(0n);
    expect(moved).toBe(1000n);
  });
});

describe('secondary checks', () => {
  const listing = (over: Partial<Listing> = {}): Listing => ({
    listingId: 'lst_1',
    rcId: 'rc_1',
    sellerId: 'u1',
    providerId: 'alpha',
    tenor: 'T90D',
    scuListed: 60n,
    scuAvailable: 60n,
    askMicro: 15_000_000n,
    status: 'OPEN',
    createdAt: NOW,
    version: 0n,
    ...over,
  });

  it.each([
    ['another owner', rc(), 'u2', 10n, 'rc_not_owned'],
    ['another owner and too much (ownership first)', rc(), 'u2', 1000n, 'rc_not_owned'],
    ['expired status', rc({ status: 'EXPIRED' }), 'u1', 10n, 'rc_not_active'],
    ['past expiry', rc({ expiresAt: NOW }), 'u1', 10n, 'rc_not_active'],
    ['more than unlisted remaining', rc({ usedScu: 30n, listedScu: 20n }), 'u1', 51n, 'listing_exceeds_available'],
  ])('listing rejected: %s', (_n, r, seller, scu, code) => {
    expect(checkListing(r, seller, scu, NOW)).toMatchObject({ ok: false, code });
  });

  it('listing of exactly the unlisted remaining SCU is fine', () => {
    expect(checkListing(rc({ usedScu: 30n, listedScu: 20n }), 'u1', 50n, NOW)).toEqual({ ok: true });
  });

  it.each([
    ['filled listing', listing({ status: 'FILLED' }), 'u2', 1n, 'listing_not_open'],
    ['self trade', listing(), 'u1', 1n, 'self_trade'],
    ['self trade and too much (self first)', listing(), 'u1', 100n, 'self_trade'],
    ['too much', listing({ scuAvailable: 5n }), 'u2', 6n, 'trade_exceeds_listing'],
  ])('trade rejected: %s', (_n, l, buyer, scu, code) => {
    expect(checkTrade(l, rc({ listedScu: 60n }), buyer, scu, NOW)).toMatchObject({ ok: false, code });
  });

  it('a trade shrinks the parent, moves the escrow share, fills the listing at zero', () => {
    const parent = rc({ maxScu: 250n, usedScu: 180n, listedScu: 60n });
    const plan = planTrade(listing({ scuAvailable: 40n }), parent, 40n);
    expect(plan.costMicro).toBe(600_000_000n);
    expect(plan.escrowShareMicro).toBe(40n * 8_250_000n);
    expect(plan.parent).toEqual({ maxScu: 210n, listedScu: 20n, escrowMicro: 30n * 8_250_000n, status: 'ACTIVE' });
    expect(plan.listing).toEqual({ scuAvailable: 0n, status: 'FILLED' });
    expect(plan.child).toEqual({ maxScu: 40n, escrowMicro: 330_000_000n });
  });
});

describe('expiry γ split (REFUND_FLOOR)', () => {
  it.each([
    [1000n, 0n, 100n, 0n],
    [1000n, 45n, 100n, 350n],
    [1000n, 90n, 100n, 700n],
    [1000n, 96n, 100n, 700n],
    [1000n, 100n, 100n, 700n],
    [1000n, 1n, 3n, 259n], // 1000 × 7 × 10 / 270 = 259.26 → 259
    [0n, 50n, 100n, 0n],
    [500n, 0n, 0n, 0n],
  ])('escrow %i, used %i of %i → refund %i', (e, u, m, want) => {
    const s = expirySplit(e, u, m);
    expect(s.refundMicro).toBe(want);
    expect(s.refundMicro + s.breakageMicro).toBe(e);
  });

  it('matches the exact rational γ for every small case, floored', () => {
    for (let max = 1n; max <= 40n; max++) {
      for (let used = 0n; used <= max; used++) {
        for (const escrow of [1n, 7n, 999n, 123_456_789n]) {
          // γ = 0.7 × min(1, u/0.9) as the fraction num/den, then floor(escrow × γ)
          const num = 7n * (10n * used < 9n * max ? 10n * used : 9n * max);
          const den = 90n * max;
          const want = (escrow * num) / den;
          expect(expirySplit(escrow, used, max).refundMicro).toBe(want);
          const gamma = 0.7 * Math.min(1, Number(used) / Number(max) / 0.9);
          expect(Math.abs(Number(want) - Number(escrow) * gamma)).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});
