/**
 * Signed heartbeats on DynamoDB Local: accepted ones keep a provider online and relist its
 * catalog entry (capacity from the inventory, SCM/min from calibration, sold SCU untouched);
 * forged, replayed, stale or another provider's → 4xx, nothing written. The sweep takes a
 * silent provider offline (out of quotes); the next good heartbeat brings it back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import * as api from '../../../functions/providers/api.ts';
import { quoteRoute } from '../../../functions/market/api.ts';
import { priceRoute } from '../../../functions/control-plane/api.ts';
import { HEARTBEAT_WINDOW_MS, OFFLINE_AFTER_MS } from '../../../functions/providers/domain/heartbeat.ts';
import { REFERENCE } from '../../../functions/providers/domain/calibration.ts';
import { scanTable } from '../../support/scan.ts';
import { generateNodeKey } from '../../../sdk/provider/node-key.ts';
import { call, heartbeat, joinedProvider, snapshot } from './support.ts';
import { principal } from '../market/support.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ seed: 12 });
});

const catalogOf = async (id: string) => (await scanTable(env.rt, 'market')).filter((i) => i.pk === `PROV#${id}`);
const sweep = async () => (await env.invoke('functions/providers/handlers/offline-sweep.ts'))({}, {}) as Promise<{ offline: string[] }>;
const buyer = principal('buyer-hb', 'buyer');

describe('accepted heartbeats', () => {
  it('put the provider online and make it quotable, capacity from the inventory', async () => {
    const j = await joinedProvider(env);
    const r = await call(api.heartbeatRoute, j.principal, { params: { id: j.providerId }, body: heartbeat(env, j, { gpus: 2, freeUnits: 1 }) });
    expect(r).toMatchObject({ status: 200, body: { online: true, units: 2, freeUnits: 1, relisted: true, scmPerMin: '1.000' } });
    const cat = await catalogOf(j.providerId);
    expect(cat.find((i) => i.sk === 'PROFILE')).toMatchObject({ quotable: true, scuPerHour: 120n, scmPerMinMilli: 1000n });
    const q = await call(quoteRoute, buyer, { body: { tenor: 'T7D', quantityScu: 5, providerIds: [j.providerId] } });
    expect(q.body).toMatchObject({ filledScu: 5 });
    // The same transaction put its supply offer in the oracle: 1 free unit × 1.000 SCM/min × 60 min at its spot price.
    const offers = (await scanTable(env.rt, 'controlplane')).filter((i) => i.kind === 'offer' && i.providerId === j.providerId);
    expect(offers).toMatchObject([{ bucketId: 'H100:us-east', capacityScm: 60n, priceMicro: 9_500_000n, offeredAt: BigInt(env.clock.nowMs()) }]);
    const price = await call(priceRoute, buyer, { params: { id: 'H100:us-east' } });
    expect(price).toMatchObject({ status: 200, body: { bucketId: 'H100:us-east' } });
    expect(price.body.clearingPrice).not.toBeNull();
    // A second heartbeat with nothing new does not rewrite the catalog.
    env.clock.advance(1000);
    const again = await call(api.heartbeatRoute, j.principal, { params: { id: j.providerId }, body: heartbeat(env, j, { gpus: 2 }) });
    expect(again.body).toMatchObject({ relisted: false });
  });

  it('calibration sets SCM/min; the inventory never offers more units than the token allowed; sold SCU are kept', async () => {
    const j = await joinedProvider(env, { algorithm: 'ecdsa-p256' });
    await call(api.heartbeatRoute, j.principal, { params: { id: j.providerId }, body: heartbeat(env, j, { gpus: 4 }) });
    const q = await call(quoteRoute, buyer, { body: { tenor: 'T7D', quantityScu: 7, providerIds: [j.providerId] } });
    expect(q.body).toMatchObject({ filledScu: 7 });
    const { purchaseRoute } = await import('../../../functions/market/api.ts');
    const { topUp } = await import('../market/support.ts');
    await topUp(env.rt, 'buyer-hb', '1000');
    expect((await call(purchaseRoute, buyer, { body: { quoteId: q.body.quoteId } })).status).toBe(201);
    env.clock.advance(1000);
    const calibration = { ...REFERENCE, fp16Gflops: 2 * REFERENCE.fp16Gflops, variabilityPpm: 0 };
    const r = await call(api.heartbeatRoute, j.principal, { params: { id: j.providerId }, body: heartbeat(env, j, { gpus: 16, calibration }) });
    expect(r.body).toMatchObject({ scmPerMin: '1.550', units: 4, relisted: true });
    const cat = await catalogOf(j.providerId);
    expect(cat.find((i) => i.sk === 'PROFILE')).toMatchObject({ scmPerMinMilli: 1550n, scuPerHour: 372n });
    expect(cat.find((i) => i.sk === 'CAP#T7D')).toMatchObject({ soldScu: 7n });
  });
});

describe('refused heartbeats write nothing', () => {
  it('forged, replayed, stale, future, another provider, unverified', async () => {
    const j = await joinedProvider(env);
    const other = await joinedProvider(env);
    const unverified = await joinedProvider(env, { verify: false });
    expect((await call(api.heartbeatRoute, j.principal, { params: { id: j.providerId }, body: heartbeat(env, j) })).status).toBe(200);
    const accepted = heartbeat(env, j);
    env.clock.advance(5000);
    const before = await snapshot(env);
    const forger = { ...j, key: generateNodeKey() };
    const tampered = { ...heartbeat(env, j), telemetry: { utilizationPct: 0, temperatureC: 30, freeUnits: 0 } };
    const unsigned = heartbeat(env, j);
    const cases: [string, typeof j, string, unknown, number, string][] = [
      ['signed by another key', j, j.providerId, heartbeat(env, forger), 401, 'bad_signature'],
      ['tampered after signing', j, j.providerId, tampered, 401, 'bad_signature'],
      ['replayed', j, j.providerId, accepted, 409, 'heartbeat_replayed'],
      ['too old', j, j.providerId, heartbeat(env, j, { timestampMs: env.clock.nowMs() - HEARTBEAT_WINDOW_MS - 1 }), 400, 'heartbeat_stale'],
      ['from the future', j, j.providerId, heartbeat(env, j, { timestampMs: env.clock.nowMs() + HEARTBEAT_WINDOW_MS + 1 }), 400, 'heartbeat_stale'],
      ["on another provider's id", j, other.providerId, heartbeat(env, { ...j, providerId: other.providerId }), 404, 'not_found'],
      ["signed for another provider's id", j, j.providerId, heartbeat(env, { ...j, providerId: other.providerId }), 401, 'bad_signature'],
      ['before verifying', unverified, unverified.providerId, heartbeat(env, unverified), 409, 'node_not_verified'],
      ['without a signature', j, j.providerId, { ...unsigned, signature: undefined }, 400, 'validation_failed'],
    ];
    for (const [what, who, id, body, status, code] of cases) {
      const r = await call(api.heartbeatRoute, who.principal, { params: { id }, body });
      expect({ what, status: r.status, code: r.body.code, type: r.contentType }).toEqual({ what, status, code, type: 'application/problem+json' });
    }
    expect(await snapshot(env)).toBe(before);
  });
});

describe('the offline sweep', () => {
  it('marks a silent provider offline (not quotable), leaves a live one, and the next heartbeat brings it back', async () => {
    const silent = await joinedProvider(env);
    const live = await joinedProvider(env);
    await call(api.heartbeatRoute, silent.principal, { params: { id: silent.providerId }, body: heartbeat(env, silent) });
    env.clock.advance(OFFLINE_AFTER_MS);
    await call(api.heartbeatRoute, live.principal, { params: { id: live.providerId }, body: heartbeat(env, live) });
    env.clock.advance(1);
    const r = await sweep();
    expect(r.offline).toContain(silent.providerId);
    expect(r.offline).not.toContain(live.providerId);
    expect((await call(api.providerGetRoute, silent.principal, { params: { id: silent.providerId } })).body).toMatchObject({ online: false, quotable: false });
    expect((await catalogOf(silent.providerId)).find((i) => i.sk === 'PROFILE')).toMatchObject({ quotable: false });
    const q = await call(quoteRoute, buyer, { body: { tenor: 'T7D', quantityScu: 1, providerIds: [silent.providerId] } });
    expect(q.body).toMatchObject({ filledScu: 0 });
    expect((await sweep()).offline).not.toContain(silent.providerId);
    const back = await call(api.heartbeatRoute, silent.principal, { params: { id: silent.providerId }, body: heartbeat(env, silent) });
    expect(back.body).toMatchObject({ online: true, relisted: true });
    expect((await catalogOf(silent.providerId)).find((i) => i.sk === 'PROFILE')).toMatchObject({ quotable: true });
  });
});
