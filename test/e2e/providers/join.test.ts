/**
 * Providers end to end on the local stack (gateway, real authorizer, DynamoDB Local): an
 * operator issues a join token, a node joins with it, verifies its key with the API key the
 * join answered, and heartbeats; from then on it is quotable. A second join with the same
 * token, and a key of one provider on another's entry, are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { quoteRoute } from '../../../functions/market/api.ts';
import { heartbeatRoute, joinRoute, joinTokenCreateRoute, providerGetRoute, providersListRoute, verifyRoute } from '../../../functions/providers/api.ts';
import { ApiError } from '../../../sdk/client.ts';
import { generateNodeKey, signCanonical, verificationMessage } from '../../../sdk/provider/node-key.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let operatorKey: string;
let buyerKey: string;

const refused = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, code: e.code };
    throw e;
  }
  throw new Error('expected a refusal');
};

beforeAll(async () => {
  stack = await startTestStack();
  operatorKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['operator'] } })).secret;
  buyerKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } })).secret;
});
afterAll(async () => {
  await stack?.stop();
});

async function joinNode(name: string) {
  const op = stack.client(operatorKey);
  const t = await op.call(joinTokenCreateRoute, { body: { policy: { gpuModels: ['H100'], regions: [], maxUnits: 8 }, ttlSec: 600 } });
  const j = await stack.client().call(joinRoute, { body: { token: t.token, name, gpuModel: 'H100', region: 'us-east', units: 8, spotPrice: '9' } });
  return { token: t.token, ...j };
}

describe('a provider joins over HTTP', () => {
  it('join → verify → heartbeat → quotable', async () => {
    const j = await joinNode('node-a');
    const me = stack.client(j.apiKey);
    const key = generateNodeKey();
    await me.call(verifyRoute, {
      body: {
        challenge: j.challenge,
        publicKey: key.publicKey,
        algorithm: 'ed25519',
        signature: signCanonical(key, verificationMessage(j.providerId, j.challenge)),
      },
    });
    const hb = {
      providerId: j.providerId,
      timestampMs: stack.runtime.clock.nowMs(),
      inventory: { gpus: [0, 1].map((index) => ({ index, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: false, migInstances: [] })) },
      telemetry: { utilizationPct: 0, temperatureC: 35, freeUnits: 2 },
    };
    const beat = await me.call(heartbeatRoute, { params: { id: j.providerId }, body: { ...hb, signature: signCanonical(key, hb) } });
    expect(beat).toMatchObject({ online: true, units: 2, freeUnits: 2, relisted: true, scmPerMin: '1.000' });
    // Replayed: refused.
    expect(await refused(me.call(heartbeatRoute, { params: { id: j.providerId }, body: { ...hb, signature: signCanonical(key, hb) } }))).toEqual({
      status: 409,
      code: 'heartbeat_replayed',
    });
    expect(await me.call(providerGetRoute, { params: { id: j.providerId } })).toMatchObject({ status: 'VERIFIED', online: true, quotable: true });
    const q = await stack.client(buyerKey).call(quoteRoute, { body: { tenor: 'T7D', quantityScu: 10, providerIds: [j.providerId] } });
    expect(q).toMatchObject({ filledScu: 10, allocations: [{ providerId: j.providerId, scu: 10 }] });
    const list = await stack.client(operatorKey).call(providersListRoute, {});
    expect(list.providers.map((p) => p.providerId)).toContain(j.providerId);
  });

  it('a token redeems once; one provider key cannot read another provider (404)', async () => {
    const a = await joinNode('node-b');
    expect(
      await refused(stack.client().call(joinRoute, { body: { token: a.token, name: 'again', gpuModel: 'H100', region: 'us-east', units: 1, spotPrice: '9' } })),
    ).toEqual({ status: 409, code: 'join_token_redeemed' });
    const b = await joinNode('node-c');
    expect(await refused(stack.client(b.apiKey).call(providerGetRoute, { params: { id: a.providerId } }))).toEqual({ status: 404, code: 'not_found' });
    expect(await refused(stack.client(b.apiKey).call(providersListRoute, {}))).toEqual({ status: 403, code: 'forbidden' });
  });
});
