/**
 * The directory on DynamoDB Local: join tokens, joining (one transaction, once), verifying the
 * node key, reading and amending, and who may see what. Every refusal is a 4xx problem+json
 * that writes nothing.
 */
import { createHash } from 'node:crypto';
import { inclusionRoute } from '../../../functions/control-plane/api.ts';
import { signCurrentHead } from '../../../functions/control-plane/usecases/transparency.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import * as api from '../../../functions/providers/api.ts';
import { quoteRoute } from '../../../functions/market/api.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { hashKey } from '../../../functions/platform/auth/keys.ts';
import { scanTable } from '../../support/scan.ts';
import { generateNodeKey, signCanonical, verificationMessage } from '../../../sdk/provider/node-key.ts';
import { call, CLAIM, issueToken, joinedProvider, OPERATOR, POLICY, snapshot, verifyBody } from './support.ts';
import { principal } from '../market/support.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ seed: 11 });
});

describe('join tokens', () => {
  it('an operator issues one: the secret once, only its hash stored', async () => {
    const r = await call(api.joinTokenCreateRoute, OPERATOR, { body: { policy: POLICY, ttlSec: 600, scope: 'site-a' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ policy: POLICY, scope: 'site-a', treasuryAccount: null });
    const secret = String(r.body.token);
    expect(secret).toMatch(/^vjt_[A-Za-z0-9_-]{43}$/);
    const stored = await scanTable(env.rt, 'providers');
    const text = JSON.stringify(stored, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toContain(secret);
    expect(stored.some((i) => i.pk === `JTOKEN#${hashKey(secret)}`)).toBe(true);
  });
  it.each([
    ['a buyer', principal('b1', 'buyer'), 403],
    ['a provider', principal('p1', 'provider'), 403],
    ['nobody', null, 401],
  ])('%s cannot issue one', async (_w, who, status) => {
    const r = await call(api.joinTokenCreateRoute, who, { body: { policy: POLICY } });
    expect(r.status).toBe(status);
  });
  it('a bad policy is a 400 naming the field', async () => {
    const r = await call(api.joinTokenCreateRoute, OPERATOR, { body: { policy: { maxUnits: 0 } } });
    expect(r).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });
});

describe('joining', () => {
  it('creates the provider whole: principal with role provider and its key, ledger account, directory and catalog entry (not quotable)', async () => {
    const token = await issueToken();
    const r = await call(api.joinRoute, null, { body: { token, ...CLAIM } });
    expect(r.status).toBe(201);
    const id = String(r.body.providerId);
    expect(id).toMatch(/^prv_/);
    expect(String(r.body.apiKey)).toMatch(/^vk_/);
    const keys = (await scanTable(env.rt, 'auth')).filter((k) => k.principalId === id);
    expect(keys).toEqual([expect.objectContaining({ roles: ['provider'], tenant: id, pk: `KEY#${hashKey(String(r.body.apiKey))}` })]);
    expect(await ledgerFor(env.rt).shardBalances(account.provider(id))).toEqual(Array(8).fill(0n));
    expect((await scanTable(env.rt, 'ledger')).some((i) => i.account === account.provider(id))).toBe(true);
    const catalog = (await scanTable(env.rt, 'market')).filter((i) => i.pk === `PROV#${id}`);
    expect(catalog.find((i) => i.sk === 'PROFILE')).toMatchObject({ id, gpuProfile: 'H100', region: 'us-east', quotable: false, spotPriceMicro: 9_500_000n });
    expect(catalog.filter((i) => i.kind === 'capacity')).toHaveLength(4);
    const me = await call(api.providerGetRoute, principal(id, 'provider'), { params: { id } });
    expect(me.body).toMatchObject({ providerId: id, status: 'JOINED', online: false, quotable: false, units: 4, spotPrice: '9.500000' });
  });

  it('a joined provider is not offered in quotes', async () => {
    const j = await joinedProvider(env);
    const q = await call(quoteRoute, principal('buyer1', 'buyer'), { body: { tenor: 'T7D', quantityScu: 1, providerIds: [j.providerId] } });
    expect(q.status).toBe(201);
    expect(q.body).toMatchObject({ filledScu: 0, allocations: [] });
  });

  it('a second redemption is a 409 and writes nothing', async () => {
    const token = await issueToken();
    expect((await call(api.joinRoute, null, { body: { token, ...CLAIM } })).status).toBe(201);
    const before = await snapshot(env);
    const again = await call(api.joinRoute, null, { body: { token, ...CLAIM, name: 'rack-2' } });
    expect(again).toMatchObject({ status: 409, body: { code: 'join_token_redeemed' } });
    expect(again.contentType).toBe('application/problem+json');
    expect(await snapshot(env)).toBe(before);
  });

  it('two concurrent redemptions: exactly one provider', async () => {
    const token = await issueToken();
    const before = (await scanTable(env.rt, 'providers')).filter((i) => i.kind === 'provider').length;
    const rs = await Promise.all([1, 2, 3].map((n) => call(api.joinRoute, null, { body: { token, ...CLAIM, name: `race-${n}` } })));
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await scanTable(env.rt, 'providers')).filter((i) => i.kind === 'provider').length).toBe(before + 1);
  });

  it('an expired token is a 410 and writes nothing', async () => {
    const token = await issueToken({ policy: POLICY, ttlSec: 60 });
    env.clock.advance(60_000);
    const before = await snapshot(env);
    expect(await call(api.joinRoute, null, { body: { token, ...CLAIM } })).toMatchObject({ status: 410, body: { code: 'join_token_expired' } });
    expect(await snapshot(env)).toBe(before);
  });

  it.each([
    ['a GPU model outside the policy', { gpuModel: 'L40S' }, 'body.gpuModel'],
    ['a region outside the policy', { region: 'ap-south' }, 'body.region'],
    ['more units than allowed', { units: 9 }, 'body.units'],
  ])('%s is a 403 naming the field, nothing written', async (_w, change, path) => {
    const token = await issueToken();
    const before = await snapshot(env);
    const r = await call(api.joinRoute, null, { body: { token, ...CLAIM, ...change } });
    expect(r).toMatchObject({ status: 403, body: { code: 'join_out_of_scope', issues: [{ path }] } });
    expect(await snapshot(env)).toBe(before);
    // The token is still good for a claim inside its scope.
    expect((await call(api.joinRoute, null, { body: { token, ...CLAIM } })).status).toBe(201);
  });

  it.each([
    ['an unknown token', { token: `vjt_${'A'.repeat(43)}` }, 401, 'join_token_invalid'],
    ['a malformed token', { token: 'vk_nope' }, 400, 'validation_failed'],
    ['a missing spot price', { spotPrice: undefined }, 400, 'validation_failed'],
  ])('%s → %i %s', async (_w, change, status, code) => {
    const token = await issueToken();
    const before = await snapshot(env);
    expect(await call(api.joinRoute, null, { body: { token, ...CLAIM, ...change } })).toMatchObject({ status, body: { code } });
    expect(await snapshot(env)).toBe(before);
  });
});

describe('verifying the node key', () => {
  it.each(['ed25519', 'ecdsa-p256'] as const)('%s: a signature over the challenge verifies; the public key is stored', async (algorithm) => {
    const j = await joinedProvider(env, { verify: false, algorithm });
    const r = await call(api.verifyRoute, j.principal, { body: verifyBody(j) });
    expect(r).toMatchObject({ status: 200, body: { providerId: j.providerId, status: 'VERIFIED', keyAlgorithm: algorithm } });
    const item = (await scanTable(env.rt, 'providers')).find((i) => i.providerId === j.providerId && i.kind === 'provider')!;
    expect(item).toMatchObject({ publicKey: j.key.publicKey, status: 'VERIFIED' });
    expect(item.challenge).toBeUndefined();
    // The proven key is in the key transparency log: a signed head includes it, with its provider as the subject.
    const keyId = createHash('sha256').update(Buffer.from(j.key.publicKey, 'base64')).digest('hex');
    await signCurrentHead(env.compositions['control-plane']);
    const inc = await call(inclusionRoute, null, { query: { keyId } });
    expect(inc).toMatchObject({
      status: 200,
      body: { entry: { kind: 'provider-node', alg: algorithm, keyId, publicKey: j.key.publicKey, subject: j.providerId } },
    });
    expect(await call(api.verifyRoute, j.principal, { body: verifyBody(j) })).toMatchObject({ status: 409, body: { code: 'already_verified' } });
  });

  it('refusals write nothing: another key signed, wrong challenge, another provider id signed, an expired challenge', async () => {
    const j = await joinedProvider(env, { verify: false });
    const before = await snapshot(env);
    const other = generateNodeKey();
    const cases = [
      [{ ...verifyBody(j), signature: signCanonical(other, verificationMessage(j.providerId, j.challenge)) }, 401, 'bad_signature'],
      [{ ...verifyBody(j), signature: signCanonical(j.key, verificationMessage('prv_01JD0000000000000000000000', j.challenge)) }, 401, 'bad_signature'],
      [{ ...verifyBody(j), challenge: 'x'.repeat(43) }, 409, 'challenge_invalid'],
      [{ ...verifyBody(j), publicKey: 'bm90IGEga2V5' }, 400, 'invalid_public_key'],
    ] as const;
    for (const [body, status, code] of cases) expect(await call(api.verifyRoute, j.principal, { body })).toMatchObject({ status, body: { code } });
    env.clock.advance(10 * 60_000);
    expect(await call(api.verifyRoute, j.principal, { body: verifyBody(j) })).toMatchObject({ status: 409, body: { code: 'challenge_invalid' } });
    expect(await snapshot(env)).toBe(before);
  });
});

describe('reading the directory', () => {
  it('a provider sees itself; another provider or a buyer gets 404; an operator sees it', async () => {
    const a = await joinedProvider(env);
    const b = await joinedProvider(env);
    expect((await call(api.providerGetRoute, a.principal, { params: { id: a.providerId } })).status).toBe(200);
    expect(await call(api.providerGetRoute, b.principal, { params: { id: a.providerId } })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await call(api.providerGetRoute, principal('buyer2', 'buyer'), { params: { id: a.providerId } })).status).toBe(404);
    expect(await call(api.providerGetRoute, OPERATOR, { params: { id: a.providerId } })).toMatchObject({ status: 200, body: { status: 'VERIFIED' } });
    expect((await call(api.providerGetRoute, OPERATOR, { params: { id: 'prv_01JD0000000000000000000000' } })).status).toBe(404);
  });

  it('PATCH: the provider amends its metadata; another provider cannot (404, nothing written)', async () => {
    const a = await joinedProvider(env);
    const b = await joinedProvider(env);
    const r = await call(api.providerPatchRoute, a.principal, { params: { id: a.providerId }, body: { name: 'rack-renamed', contact: 'ops@example.net' } });
    expect(r).toMatchObject({ status: 200, body: { name: 'rack-renamed', contact: 'ops@example.net' } });
    const before = await snapshot(env);
    expect((await call(api.providerPatchRoute, b.principal, { params: { id: a.providerId }, body: { name: 'stolen' } })).status).toBe(404);
    expect((await call(api.providerPatchRoute, a.principal, { params: { id: a.providerId }, body: { status: 'VERIFIED' } })).status).toBe(400);
    expect(await snapshot(env)).toBe(before);
  });

  it('GET /v1/providers lists every provider for operators only', async () => {
    const a = await joinedProvider(env);
    const list = await call(api.providersListRoute, OPERATOR);
    expect(list.status).toBe(200);
    expect((list.body.providers as { providerId: string }[]).map((p) => p.providerId)).toContain(a.providerId);
    expect((await call(api.providersListRoute, a.principal)).status).toBe(403);
  });
});
