/**
 * The market's spot price is the oracle's clearing price of the job's bucket (DynamoDB Local,
 * through the market's job-apply route): a bucket with live offers bills the uncovered SCU at
 * its clearing price, one without keeps the catalog spot, and a governed spot floor executed
 * through governance moves the next bill.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { call, OPERATOR, principal, topUp } from '../market/support.ts';
import * as marketApi from '../../../functions/market/api.ts';
import * as cpApi from '../../../functions/control-plane/api.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import { PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { RULES } from '../../../functions/control-plane/domain/governance.ts';

const VOTERS = [principal('op2', 'operator'), principal('op3', 'operator'), principal('root', 'admin')];
let env: TestEnv;

const apply = (jobId: string, providerId: string, scu: number) =>
  call(marketApi.jobApplyRoute, OPERATOR, { body: { jobId, userId: 'spotty', providerId, scu } });

beforeAll(async () => {
  env = await testEnv({ seed: 41 });
  await loadCatalog(env.compositions.market, PROVIDER_FIXTURES);
  await topUp(env.rt, 'spotty', '100000');
  const s = await call(cpApi.supplyRoute, OPERATOR, {
    body: {
      offers: [
        { providerId: 'alpha', gpuProfile: 'H100', region: 'us-east', capacityScm: 1000, price: '4' },
        { providerId: 'beta', gpuProfile: 'H100', region: 'us-east', capacityScm: 1000, price: '6' },
      ],
    },
  });
  expect(s.status).toBe(200);
});

describe('spot price from the oracle', () => {
  it('bills the uncovered SCU at the bucket clearing price; the job SCU joins the demand', async () => {
    // 100 SCU: alpha's 1000 SCM at 4 ACU clear it.
    expect((await apply('job-spot-1', 'alpha', 100)).body).toMatchObject({ spotScu: 100, spotCost: '400.000000', coveredScu: 0 });
    // 1500 SCU needs beta's offer too: 6 ACU, at 75 % utilisation no surge.
    expect((await apply('job-spot-2', 'beta', 1500)).body).toMatchObject({ spotScu: 1500, spotCost: '9000.000000' });
    // 1950 SCU: 97.5 % utilisation → 1.25× surge → 7.5 ACU.
    expect((await apply('job-spot-3', 'alpha', 1950)).body).toMatchObject({ spotCost: '14625.000000' });
  });

  it('a bucket with no live offer keeps the catalog spot price', async () => {
    // gamma (H100 eu-west) lists 10.5 ACU per SCU; nobody offers in that bucket.
    expect((await apply('job-spot-4', 'gamma', 10)).body).toMatchObject({ spotCost: '105.000000' });
  });

  /** Proposes, votes (operators and the admin), queues and waits out the timelock; the proposal id. */
  async function queued(parameter: string, value: string): Promise<string> {
    const p = await call(cpApi.proposeRoute, OPERATOR, { body: { parameter, value } });
    expect(p.status).toBe(201);
    const id = String(p.body.proposalId);
    for (const v of VOTERS) expect((await call(cpApi.voteRoute, v, { params: { id }, body: { support: true } })).status).toBe(200);
    env.clock.advance(RULES.votingPeriodMs);
    expect((await call(cpApi.queueRoute, OPERATOR, { params: { id } })).body).toMatchObject({ status: 'QUEUED' });
    env.clock.advance(RULES.timelockMs);
    return id;
  }
  const execute = async (id: string) => expect((await call(cpApi.executeRoute, OPERATOR, { params: { id } })).body).toMatchObject({ status: 'EXECUTED' });

  it('a governed spot floor executed through governance changes the next bill', async () => {
    const id = await queued('spot.floorMicro', '5000000');
    // Offers older than the bucket window (60 min) no longer count: alpha's catalog spot, 10 ACU.
    expect((await apply('job-spot-5', 'alpha', 100)).body).toMatchObject({ spotCost: '1000.000000' });
    await execute(id);
    await call(cpApi.supplyRoute, OPERATOR, {
      body: { offers: [{ providerId: 'alpha', gpuProfile: 'H100', region: 'us-east', capacityScm: 1000, price: '4.5' }] },
    });
    // Clearing 4.5 ACU, floored at the governed 5 ACU.
    expect((await apply('job-spot-6', 'alpha', 100)).body).toMatchObject({ spotCost: '500.000000' });
  });

  it('the governed hold fraction moves the next settlement: 10 % held, then 25 %', async () => {
    expect((await apply('job-hold-1', 'gamma', 10)).body).toMatchObject({ spotCost: '105.000000', hold: '10.500000' });
    await execute(await queued('settlement.holdBps', '2500'));
    expect((await apply('job-hold-2', 'gamma', 10)).body).toMatchObject({ spotCost: '105.000000', hold: '26.250000', payout: '105.000000' });
  });

  it('the governed maximum exposure moves the next reservation decision', async () => {
    await call(cpApi.unitsRegisterRoute, OPERATOR, {
      body: {
        units: [{ unitId: 'seam-u1', providerId: 'alpha', gpuProfile: 'H100', region: 'us-east', kind: 'gpu', gpuId: 'g0', memoryMb: 80_000, sms: 132 }],
      },
    });
    const ask = (jobId: string) => ({
      body: { jobId, tenantId: 't-seam', memoryMb: 1000, sms: 1, scm: 10, price: '1', outstandingExposure: '50', creditUsed: '0', creditLimit: '1000' },
    });
    expect((await call(cpApi.reservationRoute, OPERATOR, ask('rsv-seam-1'))).body).toMatchObject({ status: 'accepted' });
    // 50 ACU outstanding + 10 ACU > a governed maximum of 55 ACU.
    await execute(await queued('guards.maxExposureMicro', '55000000'));
    expect((await call(cpApi.reservationRoute, OPERATOR, ask('rsv-seam-2'))).body).toMatchObject({ status: 'declined', reason: 'resilience_guard' });
  });
});
