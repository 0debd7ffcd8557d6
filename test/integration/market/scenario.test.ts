/**
 * The seed's §1.10 scenario with consistent numbers (docs/market.md "Worked example"),
 * through the handlers: quote → purchase → job → listing → trade → job → expiry.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { account } from '../../../functions/ledger/index.ts';
import { checkRuntimeLedger } from '../../../functions/ledger/index.ts';
import { parseAcu } from '../../../functions/platform/money.ts';
import { DAY_MS, PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import * as api from '../../../functions/market/api.ts';
import { ADMIN, OPERATOR, balanceOf, call, principal, topUp, userBalance } from './support.ts';

const A = principal('alice');
const B = principal('bob');
let env: TestEnv;

beforeAll(async () => {
  env = await testEnv();
  await loadCatalog(env.compositions.market, PROVIDER_FIXTURES);
  await topUp(env.rt, 'alice', '5000');
  await topUp(env.rt, 'bob', '1000');
});

describe('§1.10 end to end, consistent arithmetic', () => {
  it('quote, buy, burn, list, trade, burn, expire — every µACU accounted for', async () => {
    const rt = env.rt;
    const q = await call(api.quoteRoute, A, { body: { tenor: 'T90D', quantityScu: 250, providerIds: ['alpha'] } });
    expect(q.status).toBe(201);
    const alloc = (q.body.allocations as Record<string, string>[])[0]!;
    // spot 10 × (1 + 0.15 × (1 − e^(−90/60))) = 11.165305 (LOCK_HALF_UP); commit 25% = 2.791326 (COMMIT_HALF_UP)
    expect(alloc).toMatchObject({ providerId: 'alpha', scu: 250, lockPrice: '11.165305', feeCommit: '2.791326', feeUsage: '8.373979' });
    const L = parseAcu(alloc.lockPrice!);
    const C = parseAcu(alloc.feeCommit!);
    const U = parseAcu(alloc.feeUsage!);
    expect(q.body).toMatchObject({ filledScu: 250, partial: false, total: '2791.326250' });

    const p = await call(api.purchaseRoute, A, { body: { quoteId: q.body.quoteId }, headers: { 'idempotency-key': 'scenario-buy-1' } });
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ total: '2791.326250', commitTotal: '697.831500', escrowTotal: '2093.494750', replayed: false });
    const rc = (p.body.reservations as Record<string, unknown>[])[0]!;
    const rcId = String(rc.rcId);
    expect(rc).toMatchObject({ status: 'ACTIVE', maxScu: 250, usedScu: 0, escrow: '2093.494750', parentRcId: null });
    expect(await userBalance(rt, 'alice')).toBe(parseAcu('5000') - 250n * L);
    expect(await balanceOf(rt, account.provider('alpha'))).toBe(250n * C);
    expect(await balanceOf(rt, account.escrow(rcId))).toBe(250n * U);

    const j1 = await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'job-scn-1', userId: 'alice', providerId: 'alpha', scu: 180 } });
    expect(j1.status).toBe(200);
    expect(j1.body).toMatchObject({ coveredScu: 180, spotScu: 0, spotCost: '0.000000', payout: '1507.316220' });
    expect(await balanceOf(rt, account.escrow(rcId))).toBe(70n * U);

    const l = await call(api.listingCreateRoute, A, { body: { rcId, scu: 60, askPrice: '15' } });
    expect(l.status).toBe(201);
    expect(l.body).toMatchObject({ scuAvailable: 60, askPrice: '15.000000', status: 'OPEN' });

    const t = await call(api.tradeRoute, B, { body: { listingId: l.body.listingId, scu: 40 } });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ total: '600.000000', escrowMoved: '334.959160', listingScuAvailable: 20, listingStatus: 'OPEN' });
    const childId = String(t.body.buyerRcId);
    expect(t.body.buyerRc).toMatchObject({ ownerId: 'bob', maxScu: 40, escrow: '334.959160', parentRcId: rcId });
    expect(await userBalance(rt, 'bob')).toBe(parseAcu('400'));
    expect(await userBalance(rt, 'alice')).toBe(parseAcu('5000') - 250n * L + parseAcu('600'));

    // The 10 SCU neither used nor listed are burned by a second job: 190 of 210 used (90.5%).
    const j2 = await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'job-scn-2', userId: 'alice', providerId: 'alpha', scu: 10 } });
    expect(j2.body).toMatchObject({ coveredScu: 10, spotScu: 0 });
    const pos = await call(api.positionRoute, A, { params: { rcId } });
    expect(pos.body.reservation).toMatchObject({ maxScu: 210, usedScu: 190, listedScu: 20, escrow: '167.479580' });
    expect((pos.body.allocations as unknown[]).length).toBe(2);

    env.clock.advance(90 * DAY_MS);
    const e = await call(api.expireRoute, ADMIN, { body: {} });
    expect(e.status).toBe(200);
    const byId = new Map((e.body.expired as Record<string, string>[]).map((x) => [x.rcId, x]));
    // parent: γ = 0.7 (u ≥ 0.9): refund floor(20 × 8.373979 × 0.7) = 117.235706, breakage 50.243874
    expect(byId.get(rcId)).toMatchObject({ refund: '117.235706', breakage: '50.243874' });
    // child: unused, γ(0) = 0: all 40 × usage is breakage
    expect(byId.get(childId)).toMatchObject({ refund: '0.000000', breakage: '334.959160' });
    expect(await balanceOf(rt, account.escrow(rcId))).toBe(0n);
    expect(await balanceOf(rt, account.escrow(childId))).toBe(0n);

    const aliceEnd = parseAcu('5000') - 250n * L + parseAcu('600') + parseAcu('117.235706');
    expect(await userBalance(rt, 'alice')).toBe(aliceEnd);
    expect(await balanceOf(rt, account.provider('alpha'))).toBe(250n * C + 190n * U + parseAcu('50.243874') + parseAcu('334.959160'));
    const listings = await call(api.listingsRoute, B, {});
    expect(listings.body.listings).toEqual([]);

    // A second sweep finds nothing to do.
    const again = await call(api.expireRoute, ADMIN, { body: {} });
    expect(again.body).toMatchObject({ expiredCount: 0 });
    const report = await checkRuntimeLedger(rt);
    expect(report.ok).toBe(true);
  });
});
