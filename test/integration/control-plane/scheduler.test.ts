/** Reservations on DynamoDB Local: units registered, MIG instances booked once even when requests race, declines write nothing. */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { call, OPERATOR } from '../market/support.ts';
import { scanTable } from '../../support/scan.ts';
import * as api from '../../../functions/control-plane/api.ts';
import { reserveCapacity } from '../../../functions/control-plane/index.ts';

let env: TestEnv;
const ask = (jobId: string, over: Record<string, unknown> = {}) => ({
  body: { jobId, tenantId: 'alice', memoryMb: 5_000, sms: 10, scm: 60, price: '0.01', outstandingExposure: '0', creditUsed: '0', creditLimit: '1000', ...over },
});
const count = async () => (await scanTable(env.rt, 'controlplane')).length;

beforeAll(async () => {
  env = await testEnv({ seed: 5 });
  const r = await call(api.unitsRegisterRoute, OPERATOR, {
    body: {
      units: [
        {
          unitId: 'g1/mig0',
          providerId: 'pA',
          gpuProfile: 'H100',
          region: 'us-east-1',
          kind: 'mig',
          gpuId: 'g1',
          migProfile: '3g.40gb',
          memoryMb: 40_000,
          sms: 60,
        },
        {
          unitId: 'g1/mig1',
          providerId: 'pA',
          gpuProfile: 'H100',
          region: 'us-east-1',
          kind: 'mig',
          gpuId: 'g1',
          migProfile: '3g.40gb',
          memoryMb: 40_000,
          sms: 60,
        },
        { unitId: 'g2', providerId: 'pB', gpuProfile: 'A100', region: 'us-east-1', kind: 'gpu', gpuId: 'g2', memoryMb: 80_000, sms: 108 },
      ],
    },
  });
  expect(r.body).toEqual({ registered: 3, existing: 0 });
});

describe('scheduler routes', () => {
  it('registering again is a no-op; a GPU both whole and partitioned is refused', async () => {
    const again = await call(api.unitsRegisterRoute, OPERATOR, {
      body: { units: [{ unitId: 'g2', providerId: 'pB', gpuProfile: 'A100', region: 'us-east-1', kind: 'gpu', gpuId: 'g2', memoryMb: 80_000, sms: 108 }] },
    });
    expect(again.body).toEqual({ registered: 0, existing: 1 });
    const before = await count();
    const bad = await call(api.unitsRegisterRoute, OPERATOR, {
      body: {
        units: [{ unitId: 'g1-whole', providerId: 'pA', gpuProfile: 'H100', region: 'us-east-1', kind: 'gpu', gpuId: 'g1', memoryMb: 80_000, sms: 132 }],
      },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_units' } });
    expect(await count()).toBe(before);
  });

  it('accepts onto a MIG instance, and races for the two MIG instances book each once', async () => {
    const first = await call(api.reservationRoute, OPERATOR, ask('job-1', { gpuProfile: 'H100' }));
    expect(first.body).toMatchObject({ status: 'accepted', providerId: 'pA', unitId: 'g1/mig0', cost: '0.600000' });
    expect(Date.parse(String(first.body.expiresAt)) - env.clock.nowMs()).toBe(15 * 60_000);
    const cp = env.compositions['control-plane'];
    const req = (jobId: string) => ({ jobId, tenantId: 'bob', need: { memoryMb: 1_000n, sms: 1n }, scm: 10n, priceMicro: 1n, gpuProfile: 'H100' });
    const pos = { outstandingExposureMicro: 0n, creditUsedMicro: 0n, creditLimitMicro: 1_000_000_000n };
    const race = await Promise.all([reserveCapacity(cp, req('job-2'), pos), reserveCapacity(cp, req('job-3'), pos)]);
    expect(race.map((r) => r.status).sort()).toEqual(['accepted', 'declined']);
    expect(race.find((r) => r.status === 'declined')).toMatchObject({ reason: 'insufficient_capacity' });
    const units = await call(api.unitsListRoute, OPERATOR);
    const migs = (units.body.units as { unitId: string; allocations: unknown[] }[]).filter((u) => u.unitId.startsWith('g1/'));
    expect(migs.map((u) => u.allocations.length)).toEqual([1, 1]);
  });

  it.each([
    ['exposure', { outstandingExposure: '9999.5' }, 'resilience_guard'],
    ['credit', { creditUsed: '999.9' }, 'resilience_guard'],
    ['capacity', { memoryMb: 1_000_000 }, 'insufficient_capacity'],
  ] as const)('declined on %s: 200 with the reason, nothing written', async (_n, over, reason) => {
    const before = await count();
    const r = await call(api.reservationRoute, OPERATOR, ask(`job-${reason}`, over));
    expect(r).toMatchObject({ status: 200, body: { status: 'declined', reason } });
    expect(await count()).toBe(before);
  });

  it('price floor: declined with price_floor', async () => {
    const cp = env.compositions['control-plane'];
    const r = await reserveCapacity(
      cp,
      { jobId: 'cheap', tenantId: 't', need: { memoryMb: 1n, sms: 1n }, scm: 1n, priceMicro: 5n },
      { outstandingExposureMicro: 0n, creditUsedMicro: 0n, creditLimitMicro: 100n },
      { maxExposureMicro: 1_000n, priceFloorMicro: 10n, maxCreditUtilisationBps: 10_000n },
    );
    expect(r).toMatchObject({ status: 'declined', reason: 'price_floor' });
  });
});
