/**
 * Races: 50 buyers for 10 SCU, concurrent trades on one listing, duplicate and concurrent
 * job applies, concurrent expiry sweeps. After each, balances are exact and the ledger
 * checker passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { account } from '../../../functions/ledger/index.ts';
import { checkRuntimeLedger } from '../../../functions/ledger/index.ts';
import { parseAcu } from '../../../functions/platform/money.ts';
import { DAY_MS, PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import { expireDue } from '../../../functions/market/usecases/expire.ts';
import { handler as scheduleHandler } from '../../../functions/market/handlers/expire-schedule.ts';
import * as api from '../../../functions/market/api.ts';
import { OPERATOR, balanceOf, call, marketItems, principal, setCapacity, topUp, userBalance } from './support.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await testEnv({ seed: 11 });
  await loadCatalog(env.compositions.market, PROVIDER_FIXTURES);
});

describe('capacity race', () => {
  it('50 concurrent purchases for 10 SCU: exactly 10 sold, balances exact', async () => {
    const rt = env.rt;
    await setCapacity(rt, 'nu', 'T7D', 10n);
    const buyers = Array.from({ length: 50 }, (_, i) => principal(`racer${i}`));
    await Promise.all(buyers.map((b) => topUp(rt, b.id, '100')));
    const quotes = await Promise.all(buyers.map((b) => call(api.quoteRoute, b, { body: { tenor: 'T7D', quantityScu: 1, providerIds: ['nu'] } })));
    expect(quotes.every((q) => q.status === 201 && q.body.filledScu === 1)).toBe(true);
    const lock = parseAcu(String((quotes[0]!.body.allocations as { lockPrice: string }[])[0]!.lockPrice));
    const commit = parseAcu(String((quotes[0]!.body.allocations as { feeCommit: string }[])[0]!.feeCommit));

    // Utilisation rises as the 10 SCU sell; a wide drift tolerance keeps price out of this race.
    const results = await Promise.all(buyers.map((b, i) => call(api.purchaseRoute, b, { body: { quoteId: quotes[i]!.body.quoteId, maxDriftBps: 10_000 } })));
    const ok = results.filter((r) => r.status === 201);
    const rejected = results.filter((r) => r.status !== 201);
    expect(ok).toHaveLength(10);
    expect(rejected.every((r) => r.status === 409 && r.body.code === 'capacity_exhausted')).toBe(true);

    const cap = (await marketItems(rt)).find((i) => i.pk === 'PROV#nu' && i.sk === 'CAP#T7D')!;
    expect(cap.soldScu).toBe(10n);
    const rcs = (await marketItems(rt)).filter((i) => i.kind === 'rc' && i.providerId === 'nu');
    expect(rcs).toHaveLength(10);
    for (const [i, b] of buyers.entries()) {
      const bal = await userBalance(rt, b.id);
      expect(bal).toBe(results[i]!.status === 201 ? parseAcu('100') - lock : parseAcu('100'));
    }
    expect(await balanceOf(rt, account.provider('nu'))).toBe(10n * commit);
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });
});

describe('trade race', () => {
  it('12 buyers race for a 10-SCU listing of 3 SCU each: never overfilled', async () => {
    const rt = env.rt;
    const seller = principal('seller');
    await topUp(rt, 'seller', '1000');
    const q = await call(api.quoteRoute, seller, { body: { tenor: 'T30D', quantityScu: 50, providerIds: ['alpha'] } });
    const p = await call(api.purchaseRoute, seller, { body: { quoteId: q.body.quoteId } });
    const rcId = String((p.body.reservations as { rcId: string }[])[0]!.rcId);
    const l = await call(api.listingCreateRoute, seller, { body: { rcId, scu: 10, askPrice: '12.5' } });
    const buyers = Array.from({ length: 12 }, (_, i) => principal(`tb${i}`));
    await Promise.all(buyers.map((b) => topUp(rt, b.id, '100')));
    const sellerBefore = await userBalance(rt, 'seller');
    const escrowBefore = await balanceOf(rt, account.escrow(rcId));

    const res = await Promise.all(buyers.map((b) => call(api.tradeRoute, b, { body: { listingId: l.body.listingId, scu: 3 } })));
    const ok = res.filter((r) => r.status === 201);
    expect(ok).toHaveLength(3);
    expect(
      res.filter((r) => r.status !== 201).every((r) => r.status === 409 && ['trade_exceeds_listing', 'listing_not_open'].includes(String(r.body.code))),
    ).toBe(true);
    // The last SCU can still be bought, and then the listing is FILLED.
    const last = await call(api.tradeRoute, buyers[0]!, { body: { listingId: l.body.listingId, scu: 1 } });
    expect(last.body).toMatchObject({ listingScuAvailable: 0, listingStatus: 'FILLED' });

    expect(await userBalance(rt, 'seller')).toBe(sellerBefore + 10n * parseAcu('12.5'));
    const pos = await call(api.positionRoute, seller, { params: { rcId } });
    expect(pos.body.reservation).toMatchObject({ maxScu: 40, listedScu: 0 });
    const children = (await marketItems(rt)).filter((i) => i.kind === 'rc' && i.parentRcId === rcId);
    expect(children.reduce((s, c) => s + (c.maxScu as bigint), 0n)).toBe(10n);
    const childEscrow = (await Promise.all(children.map((c) => balanceOf(rt, account.escrow(String(c.rcId)))))).reduce((s, b) => s + b, 0n);
    expect(childEscrow + (await balanceOf(rt, account.escrow(rcId)))).toBe(escrowBefore);
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });
});

describe('listing cancel', () => {
  it('concurrent and repeated cancels of one listing all answer CANCELLED and return its SCU once', async () => {
    const seller = principal('unlister');
    await topUp(env.rt, 'unlister', '1000');
    const q = await call(api.quoteRoute, seller, { body: { tenor: 'T30D', quantityScu: 20, providerIds: ['alpha'] } });
    const p = await call(api.purchaseRoute, seller, { body: { quoteId: q.body.quoteId } });
    const rcId = String((p.body.reservations as { rcId: string }[])[0]!.rcId);
    const l = await call(api.listingCreateRoute, seller, { body: { rcId, scu: 8, askPrice: '3' } });
    const res = await Promise.all(Array.from({ length: 5 }, () => call(api.listingCancelRoute, seller, { params: { id: String(l.body.listingId) } })));
    expect(res.map((r) => [r.status, r.body.status])).toEqual(res.map(() => [200, 'CANCELLED']));
    const again = await call(api.listingCancelRoute, seller, { params: { id: String(l.body.listingId) } });
    expect(again).toMatchObject({ status: 200, body: { status: 'CANCELLED', scuAvailable: 8 } });
    const pos = await call(api.positionRoute, seller, { params: { rcId } });
    expect(pos.body.reservation).toMatchObject({ maxScu: 20, listedScu: 0 });
    // A filled listing is not cancellable.
    const f = await call(api.listingCreateRoute, seller, { body: { rcId, scu: 2, askPrice: '3' } });
    await topUp(env.rt, 'unlist-buyer', '100');
    expect((await call(api.tradeRoute, principal('unlist-buyer'), { body: { listingId: f.body.listingId, scu: 2 } })).status).toBe(201);
    expect(await call(api.listingCancelRoute, seller, { params: { id: String(f.body.listingId) } })).toMatchObject({
      status: 409,
      body: { code: 'listing_not_open' },
    });
  });
});

describe('job apply races', () => {
  it('duplicates replay, a different payload is 409, concurrent jobs never double-draw', async () => {
    const rt = env.rt;
    const u = principal('jobber');
    await topUp(rt, 'jobber', '200');
    const q = await call(api.quoteRoute, u, { body: { tenor: 'T7D', quantityScu: 30, providerIds: ['iota'] } });
    const p = await call(api.purchaseRoute, u, { body: { quoteId: q.body.quoteId } });
    const rcId = String((p.body.reservations as { rcId: string }[])[0]!.rcId);
    const usage = parseAcu(String((p.body.reservations as { feeUsage: string }[])[0]!.feeUsage));

    const body = { jobId: 'job-dup', userId: 'jobber', providerId: 'iota', scu: 4 };
    const dup = await Promise.all(Array.from({ length: 6 }, () => call(api.jobApplyRoute, OPERATOR, { body })));
    expect(dup.every((r) => r.status === 200)).toBe(true);
    expect(dup.filter((r) => r.body.replayed === false)).toHaveLength(1);
    expect(new Set(dup.map((r) => JSON.stringify({ ...r.body, replayed: 0 }))).size).toBe(1);
    const other = await call(api.jobApplyRoute, OPERATOR, { body: { ...body, scu: 5 } });
    expect(other).toMatchObject({ status: 409, body: { code: 'exists_with_different_payload' } });

    // 10 distinct jobs of 3 SCU race for the 26 SCU left: 26 covered, 4 at spot.
    const jobs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(api.jobApplyRoute, OPERATOR, { body: { jobId: `job-race-${i}`, userId: 'jobber', providerId: 'iota', scu: 3 } }),
      ),
    );
    expect(jobs.every((r) => r.status === 200)).toBe(true);
    expect(jobs.reduce((s, r) => s + Number(r.body.coveredScu), 0)).toBe(26);
    expect(jobs.reduce((s, r) => s + Number(r.body.spotScu), 0)).toBe(4);
    const pos = await call(api.positionRoute, u, { params: { rcId } });
    expect(pos.body.reservation).toMatchObject({ usedScu: 30, status: 'FULLY_USED', escrow: '0.000000' });
    expect(await balanceOf(rt, account.escrow(rcId))).toBe(0n);
    const alloc = await call(api.jobAllocationsRoute, u, { params: { jobId: 'job-race-0' } });
    expect(alloc.status).toBe(200);
    expect(pos.body.allocations).toHaveLength(1 + jobs.filter((r) => Number(r.body.coveredScu) > 0).length);
    expect(await balanceOf(rt, account.provider('iota'))).toBeGreaterThanOrEqual(30n * usage);
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });

  it('positions list every job that drew from the RC, whether the job drew from one RC or several', async () => {
    const u = principal('twice');
    await topUp(env.rt, 'twice', '200');
    const rcIds: string[] = [];
    for (const tenor of ['T7D', 'T30D']) {
      const q = await call(api.quoteRoute, u, { body: { tenor, quantityScu: 5, providerIds: ['theta'] } });
      const p = await call(api.purchaseRoute, u, { body: { quoteId: q.body.quoteId } });
      rcIds.push(String((p.body.reservations as { rcId: string }[])[0]!.rcId));
    }
    // The T7D RC expires first, so it is drawn first: 3 SCU from it alone, then 4 across both.
    const one = await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'job-one-rc', userId: 'twice', providerId: 'theta', scu: 3 } });
    const two = await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'job-two-rcs', userId: 'twice', providerId: 'theta', scu: 4 } });
    expect(one.body.details).toEqual([expect.objectContaining({ rcId: rcIds[0], scu: 3 })]);
    expect(two.body.details).toEqual([expect.objectContaining({ rcId: rcIds[0], scu: 2 }), expect.objectContaining({ rcId: rcIds[1], scu: 2 })]);
    const listed = async (rcId: string) =>
      ((await call(api.positionRoute, u, { params: { rcId } })).body.allocations as { jobId: string; scu: number }[]).map((a) => `${a.jobId}:${a.scu}`).sort();
    expect(await listed(rcIds[0]!)).toEqual(['job-one-rc:3', 'job-two-rcs:2']);
    expect(await listed(rcIds[1]!)).toEqual(['job-two-rcs:2']);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('a spot bill beyond the balance is owed in full to the provider (the governed 10 % held first); the rest is arrears, settled by the next top-up', async () => {
    const rt = env.rt;
    await topUp(rt, 'poor', '10');
    const provBefore = await balanceOf(rt, account.provider('kappa'));
    const heldBefore = await balanceOf(rt, account.hold('kappa'));
    // kappa spot 4.2 ACU/SCU × 5 = 21 ACU: 10 from the balance, 11 owed; 2.1 held for the dispute window.
    const r = await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'job-poor', userId: 'poor', providerId: 'kappa', scu: 5 } });
    expect(r.body).toMatchObject({ spotScu: 5, spotCost: '21.000000', spotPaid: '10.000000', arrears: '11.000000', hold: '2.100000', payout: '21.000000' });
    expect(await userBalance(rt, 'poor')).toBe(0n);
    expect(await balanceOf(rt, account.arrears('poor'))).toBe(-parseAcu('11'));
    expect(await balanceOf(rt, account.provider('kappa'))).toBe(provBefore + parseAcu('18.9'));
    expect(await balanceOf(rt, account.hold('kappa'))).toBe(heldBefore + parseAcu('2.1'));
    await topUp(rt, 'poor', '15');
    expect(await balanceOf(rt, account.arrears('poor'))).toBe(0n);
    expect(await userBalance(rt, 'poor')).toBe(parseAcu('4'));
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });

  it('runtime converts to SCU with the provider calibration (RUNTIME_CEIL)', async () => {
    await topUp(env.rt, 'timer', '100');
    // delta: 1.4 SCM/min; 100 s → 100 × 1400 / 60000 = 2.33 → 3 SCU
    const r = await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'job-rt', userId: 'timer', providerId: 'delta', runtimeSeconds: 100 } });
    expect(r.body).toMatchObject({ totalScu: 3, spotScu: 3, spotCost: '42.000000' });
  });
});

describe('expiry races', () => {
  it('concurrent sweeps (route, use case and schedule) expire each RC once', async () => {
    const rt = env.rt;
    const u = principal('expirer');
    await topUp(rt, 'expirer', '500');
    const q = await call(api.quoteRoute, u, { body: { tenor: 'T7D', quantityScu: 20, providerIds: ['eta'] } });
    const p = await call(api.purchaseRoute, u, { body: { quoteId: q.body.quoteId } });
    const rc = (p.body.reservations as { rcId: string; escrow: string }[])[0]!;
    await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'job-exp', userId: 'expirer', providerId: 'eta', scu: 9 } });
    const before = await userBalance(rt, 'expirer');
    env.clock.advance(7 * DAY_MS + 1);
    const [a, b, c] = await Promise.all([
      expireDue(env.compositions.market),
      expireDue(env.compositions.market),
      scheduleHandler.with(env.compositions.market)({} as never, {} as never),
    ]);
    // Every due RC expired exactly once across the three sweeps.
    const expired = (await marketItems(rt)).filter((i) => i.kind === 'rc' && i.status === 'EXPIRED');
    expect(expired.map((i) => i.rcId)).toContain(rc.rcId);
    expect(a.expiredCount + b.expiredCount + c.expiredCount).toBe(expired.length);
    // used 9 of 20 (45%): γ = 0.7 × 0.45 / 0.9 = 0.35 of the 11 SCU escrow left
    const left = parseAcu(rc.escrow) - 9n * (parseAcu(rc.escrow) / 20n);
    expect(await userBalance(rt, 'expirer')).toBe(before + (left * 35n) / 100n);
    expect(await balanceOf(rt, account.escrow(rc.rcId))).toBe(0n);
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });
  it("an expired RC gives its SCU back to the provider's capacity, once, even under concurrent sweeps", async () => {
    const rt = env.rt;
    await setCapacity(rt, 'zeta', 'T7D', 12n);
    const buyers = [principal('cap-a'), principal('cap-b')];
    for (const b of buyers) await topUp(rt, b.id, '500');
    const buy = async (b: ReturnType<typeof principal>, scu: number) => {
      const q = await call(api.quoteRoute, b, { body: { tenor: 'T7D', quantityScu: scu, providerIds: ['zeta'] } });
      return call(api.purchaseRoute, b, { body: { quoteId: q.body.quoteId } });
    };
    expect((await buy(buyers[0]!, 12)).status).toBe(201);
    const sold = async () => (await marketItems(rt)).find((i) => i.kind === 'capacity' && i.providerId === 'zeta' && i.tenor === 'T7D')!.soldScu;
    expect(Number(await sold())).toBe(12);
    const full = await call(api.quoteRoute, buyers[1]!, { body: { tenor: 'T7D', quantityScu: 1, providerIds: ['zeta'] } });
    expect(full.body).toMatchObject({ filledScu: 0, partial: true });

    env.clock.advance(7 * DAY_MS + 1);
    await Promise.all([
      expireDue(env.compositions.market),
      expireDue(env.compositions.market),
      scheduleHandler.with(env.compositions.market)({} as never, {} as never),
    ]);
    expect(Number(await sold())).toBe(0);
    // The capacity sells again, in full, to someone else.
    const again = await buy(buyers[1]!, 12);
    expect(again.status).toBe(201);
    expect(Number(await sold())).toBe(12);
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });
});
