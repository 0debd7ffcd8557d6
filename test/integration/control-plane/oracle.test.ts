/** The oracle's routes on DynamoDB Local: supply in, demand configured, bucket cleared; bad input writes nothing. */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { call, OPERATOR, principal } from '../market/support.ts';
import { scanTable } from '../../support/scan.ts';
import * as api from '../../../functions/control-plane/api.ts';
import { recordSupply, spotPriceOf } from '../../../functions/control-plane/index.ts';

const BUYER = principal('alice');
let env: TestEnv;

const items = async () => (await scanTable(env.rt, 'controlplane')).length;

beforeAll(async () => {
  env = await testEnv({ seed: 3 });
});

describe('oracle routes', () => {
  it('records offers, configures demand and clears the bucket', async () => {
    const s = await call(api.supplyRoute, OPERATOR, {
      body: {
        offers: [
          { providerId: 'A', gpuProfile: 'H100', region: 'us-east-1', capacityScm: 800, price: '2.5' },
          { providerId: 'B', gpuProfile: 'H100', region: 'us-east-1', capacityScm: 400, price: '1.8' },
          { providerId: 'E', gpuProfile: 'H100', region: 'us-east-1', capacityScm: 400, price: '3' },
        ],
      },
    });
    expect(s.status).toBe(200);
    expect((s.body.recorded as { outcome: string }[]).map((r) => r.outcome)).toEqual(['written', 'written', 'written']);
    const again = await call(api.supplyRoute, OPERATOR, {
      body: { offers: [{ providerId: 'A', gpuProfile: 'H100', region: 'us-east-1', capacityScm: 800, price: '2.5' }] },
    });
    expect((again.body.recorded as { outcome: string }[])[0]!.outcome).toBe('unchanged');

    const d = await call(api.demandRoute, OPERATOR, {
      body: { gpuProfile: 'H100', region: 'us-east-1', windowMinutes: 30, demandScm: 1000, reserveRatioBps: 0, floorPrice: '0', capPrice: '100' },
    });
    expect(d).toMatchObject({ status: 200, body: { bucketId: 'H100:us-east-1', version: 1 } });

    const b = await call(api.bucketRoute, BUYER, { params: { id: 'H100:us-east-1' } });
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({
      configured: true,
      supplyScm: 1600,
      marginalPrice: '2.500000',
      clearingPrice: '2.500000',
      utilisationBps: 6250,
      surgeApplied: false,
    });
    expect(b.body.allocations).toEqual([
      { providerId: 'B', scm: 400, price: '2.500000' },
      { providerId: 'A', scm: 600, price: '2.500000' },
    ]);
    const hot = await call(api.bucketRoute, BUYER, { params: { id: 'H100:us-east-1' }, query: { demandScm: '1560' } }); // 97.5 % → 1.25×
    expect(hot.body).toMatchObject({ utilisationBps: 9750, surgeBps: 12500, clearingPrice: '3.750000', surgeApplied: true });

    const p = await call(api.priceRoute, BUYER, { params: { id: 'H100:us-east-1' } });
    expect(p.body).toMatchObject({ bucketId: 'H100:us-east-1', clearingPrice: '2.500000', surgeBps: 10000 });
  });

  it('offers age out of the window; the market seam then has no price', async () => {
    await recordSupply(env.compositions['control-plane'], [
      { providerId: 'Z', gpuProfile: 'A100', region: 'eu-west-1', capacityScm: 10n, priceMicro: 7n, offeredAt: env.clock.nowMs() },
    ]);
    expect((await spotPriceOf(env.compositions['control-plane'], { gpuProfile: 'A100', region: 'eu-west-1', jobScm: 5n })).priceMicro).toBe(7n);
    env.clock.advance(61 * 60_000); // the default window is one hour
    expect((await spotPriceOf(env.compositions['control-plane'], { gpuProfile: 'A100', region: 'eu-west-1' })).priceMicro).toBeNull();
    const older = await recordSupply(env.compositions['control-plane'], [
      { providerId: 'Z', gpuProfile: 'A100', region: 'eu-west-1', capacityScm: 10n, priceMicro: 9n, offeredAt: env.clock.nowMs() - 62 * 60_000 },
    ]);
    expect(older[0]!.outcome).toBe('stale');
  });

  it.each([
    [
      'a buyer cannot post supply',
      api.supplyRoute,
      BUYER,
      { body: { offers: [{ providerId: 'A', gpuProfile: 'H100', region: 'r', capacityScm: 1, price: '1' }] } },
      403,
      'forbidden',
    ],
    [
      'zero price',
      api.supplyRoute,
      OPERATOR,
      { body: { offers: [{ providerId: 'A', gpuProfile: 'H100', region: 'r', capacityScm: 1, price: '0' }] } },
      400,
      'validation_failed',
    ],
    [
      'fractional SCM',
      api.supplyRoute,
      OPERATOR,
      { body: { offers: [{ providerId: 'A', gpuProfile: 'H100', region: 'r', capacityScm: 1.5, price: '1' }] } },
      400,
      'validation_failed',
    ],
    [
      'floor above cap',
      api.demandRoute,
      OPERATOR,
      { body: { gpuProfile: 'X', region: 'r', windowMinutes: 5, demandScm: 1, reserveRatioBps: 0, floorPrice: '5', capPrice: '1' } },
      400,
      'invalid_demand',
    ],
    ['unknown bucket', api.bucketRoute, BUYER, { params: { id: 'B200:nowhere' } }, 404, 'unknown_bucket'],
    ['malformed bucket id', api.priceRoute, BUYER, { params: { id: 'no-colon' } }, 400, 'validation_failed'],
  ] as const)('%s → %s %s, nothing written', async (_n, route, who, input, status, code) => {
    const before = await items();
    const r = await call(route, who, input);
    expect(r.status).toBe(status);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.code).toBe(code);
    expect(await items()).toBe(before);
  });
});
