/**
 * Settlement holds on DynamoDB Local: the governed 10 % of a job's spot part is kept in
 * `hold:<provider>`; the schedule releases undisputed holds after the 72 h window (and only
 * then, once); a buyer disputes within the window, an operator decides (refund or release, once);
 * everyone else sees no hold. The ledger check holds after every move.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { account, checkRuntimeLedger } from '../../../functions/ledger/index.ts';
import { parseAcu } from '../../../functions/platform/money.ts';
import { PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { HOLD_WINDOW_MS } from '../../../functions/market/domain/holds.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import { handler as holdsSchedule } from '../../../functions/market/handlers/holds-schedule.ts';
import * as api from '../../../functions/market/api.ts';
import { OPERATOR, balanceOf, call, marketItems, principal, topUp, userBalance } from './support.ts';

let env: TestEnv;
const BUYER = principal('holder');
const KAPPA = principal('kappa', 'provider');

beforeAll(async () => {
  env = await testEnv({ seed: 23 });
  await loadCatalog(env.compositions.market, PROVIDER_FIXTURES);
  await topUp(env.rt, BUYER.id, '1000');
});

/** A 5-SCU spot job of the buyer on kappa (4.2 ACU/SCU: 21 ACU, 2.1 held). */
async function settle(jobId: string) {
  const r = await call(api.jobApplyRoute, OPERATOR, { body: { jobId, userId: BUYER.id, providerId: 'kappa', scu: 5 } });
  expect(r.body).toMatchObject({ spotCost: '21.000000', hold: '2.100000' });
  return r.body;
}
const runSchedule = async () => (await holdsSchedule.with(env.compositions.market)({} as never, {} as never)) as { released: number; skipped: number };
const hold = (jobId: string, who = BUYER) => call(api.holdRoute, who, { params: { jobId } });

describe('settlement holds', () => {
  it('held for the window, then released to the provider by the schedule, once', async () => {
    const provider = await balanceOf(env.rt, account.provider('kappa'));
    const held = await balanceOf(env.rt, account.hold('kappa'));
    const r = await settle('hold-1');
    expect(await balanceOf(env.rt, account.provider('kappa'))).toBe(provider + parseAcu('18.9'));
    expect(await balanceOf(env.rt, account.hold('kappa'))).toBe(held + parseAcu('2.1'));
    const h = await hold('hold-1');
    expect(h).toMatchObject({ status: 200, body: { status: 'HELD', amount: '2.100000', buyerId: BUYER.id, providerId: 'kappa', releaseAt: r.holdReleaseAt } });
    expect((await hold('hold-1', KAPPA)).status).toBe(200);
    expect(await hold('hold-1', principal('stranger'))).toMatchObject({ status: 404, body: { code: 'hold_not_found' } });
    expect(await hold('hold-1', principal('otherprov', 'provider'))).toMatchObject({ status: 404 });

    // Not before the window ends.
    env.clock.advance(HOLD_WINDOW_MS - 1_000);
    expect(await runSchedule()).toEqual({ released: 0, skipped: 0 });
    env.clock.advance(2_000);
    expect(await runSchedule()).toEqual({ released: 1, skipped: 0 });
    expect(await runSchedule()).toEqual({ released: 0, skipped: 0 });
    expect((await hold('hold-1')).body).toMatchObject({ status: 'RELEASED', settledAt: expect.any(String), transferId: expect.stringMatching(/^txn_/) });
    expect(await balanceOf(env.rt, account.provider('kappa'))).toBe(provider + parseAcu('21'));
    expect(await balanceOf(env.rt, account.hold('kappa'))).toBe(held);
    // Too late to dispute.
    expect(await call(api.holdDisputeRoute, BUYER, { params: { jobId: 'hold-1' }, body: { reason: 'late' } })).toMatchObject({
      status: 409,
      body: { code: 'hold_not_disputable' },
    });
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('disputed in the window: the schedule leaves it; an operator refunds it to the buyer, once', async () => {
    await settle('hold-2');
    const before = await marketItems(env.rt);
    expect((await call(api.holdDisputeRoute, principal('stranger'), { params: { jobId: 'hold-2' }, body: { reason: 'x' } })).status).toBe(404);
    expect((await call(api.holdDisputeRoute, KAPPA, { params: { jobId: 'hold-2' }, body: { reason: 'x' } })).status).toBe(404);
    expect(await call(api.holdDisputeRoute, BUYER, { params: { jobId: 'hold-2' }, body: { reason: ' ' } })).toMatchObject({ status: 400 });
    expect(await call(api.holdDecisionRoute, OPERATOR, { params: { jobId: 'hold-2' }, body: { award: 'buyer' } })).toMatchObject({
      status: 409,
      body: { code: 'hold_not_disputed' },
    });
    expect(await marketItems(env.rt)).toEqual(before);

    const d = await call(api.holdDisputeRoute, BUYER, { params: { jobId: 'hold-2' }, body: { reason: 'the render came back empty' } });
    expect(d).toMatchObject({ status: 200, body: { status: 'DISPUTED', dispute: 'the render came back empty' } });
    expect((await call(api.holdDisputeRoute, BUYER, { params: { jobId: 'hold-2' }, body: { reason: 'again' } })).status).toBe(409);
    expect((await call(api.disputedHoldsRoute, OPERATOR)).body.holds).toMatchObject([{ jobId: 'hold-2', status: 'DISPUTED' }]);
    expect((await call(api.disputedHoldsRoute, BUYER)).status).toBe(403);

    env.clock.advance(HOLD_WINDOW_MS + 1_000);
    expect(await runSchedule()).toEqual({ released: 0, skipped: 0 });
    const balance = await userBalance(env.rt, BUYER.id);
    expect((await call(api.holdDecisionRoute, BUYER, { params: { jobId: 'hold-2' }, body: { award: 'buyer' } })).status).toBe(403);
    const refunded = await call(api.holdDecisionRoute, OPERATOR, { params: { jobId: 'hold-2' }, body: { award: 'buyer' } });
    expect(refunded).toMatchObject({ status: 200, body: { status: 'REFUNDED' } });
    expect(await userBalance(env.rt, BUYER.id)).toBe(balance + parseAcu('2.1'));
    // The same decision again answers the same; the other one is refused; nothing moves twice.
    expect((await call(api.holdDecisionRoute, OPERATOR, { params: { jobId: 'hold-2' }, body: { award: 'buyer' } })).body).toEqual(refunded.body);
    expect((await call(api.holdDecisionRoute, OPERATOR, { params: { jobId: 'hold-2' }, body: { award: 'provider' } })).status).toBe(409);
    expect(await userBalance(env.rt, BUYER.id)).toBe(balance + parseAcu('2.1'));
    expect((await call(api.disputedHoldsRoute, OPERATOR)).body.holds).toEqual([]);
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });

  it('a disputed hold awarded to the provider is released to it', async () => {
    await settle('hold-3');
    expect((await call(api.holdDisputeRoute, BUYER, { params: { jobId: 'hold-3' }, body: { reason: 'slow' } })).status).toBe(200);
    const provider = await balanceOf(env.rt, account.provider('kappa'));
    expect((await call(api.holdDecisionRoute, OPERATOR, { params: { jobId: 'hold-3' }, body: { award: 'provider' } })).body).toMatchObject({
      status: 'RELEASED',
    });
    expect(await balanceOf(env.rt, account.provider('kappa'))).toBe(provider + parseAcu('2.1'));
    expect(await call(api.holdRoute, BUYER, { params: { jobId: 'no-such-job' } })).toMatchObject({ status: 404 });
  });
});
