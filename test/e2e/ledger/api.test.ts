/**
 * The ledger API end to end: through the local gateway over HTTP with the real authorizer
 * and DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTable } from '../../support/scan.ts';
import { startTestStack } from '../../support/stack.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { accountRoute, checkRoute, entriesRoute, mintRoute } from '../../../functions/ledger/api.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { ApiError } from '../../../sdk/client.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let buyer: { id: string; key: string };
let other: { id: string; key: string };
let operatorKey: string;

const newKey = async (roles: ('buyer' | 'operator' | 'provider')[]) => {
  const k = await stack.admin.call(createKeyRoute, { body: { roles } });
  return { id: k.principalId, key: k.secret };
};
type ProblemBody = { code: string; issues: { path: string; message: string }[] };
const raw = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${stack.url}${path}`, init);
  return Object.assign(res, { problem: async () => (await res.json()) as ProblemBody });
};
const postMint = (body: unknown, key?: string, apiKey = stack.adminKey) =>
  raw('/v1/ledger/mint', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
const ledgerItems = () => scanTable(stack.runtime, 'ledger');

beforeAll(async () => {
  stack = await startTestStack();
  buyer = await newKey(['buyer']);
  other = await newKey(['buyer']);
  operatorKey = (await newKey(['operator'])).key;
});
afterAll(async () => stack?.stop());

describe('POST /v1/ledger/mint', () => {
  it('credits the user once per Idempotency-Key; a replay returns the same transfer', async () => {
    const first = await stack.admin.call(mintRoute, { body: { user: buyer.id, amount: '100.5' }, idempotencyKey: 'mint-key-0001' });
    expect(first).toMatchObject({ user: buyer.id, amount: '100.500000', credited: '100.500000', settledArrears: '0.000000', replayed: false });
    const again = await stack.admin.call(mintRoute, { body: { user: buyer.id, amount: '100.5' }, idempotencyKey: 'mint-key-0001' });
    expect(again).toEqual({ ...first, replayed: true });
    const b = await stack.client(buyer.key).call(accountRoute, { params: { accountId: account.user(buyer.id) } });
    expect(b).toEqual({ account: account.user(buyer.id), kind: 'user', balance: '100.500000', shards: 1 });
  });

  it('the same key with a different request → 409 exists_with_different_payload, nothing moves', async () => {
    await stack.admin.call(mintRoute, { body: { user: other.id, amount: '1' }, idempotencyKey: 'mint-key-0002' });
    const res = await postMint({ user: other.id, amount: '2' }, 'mint-key-0002');
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.problem()).code).toBe('exists_with_different_payload');
    expect((await stack.admin.call(accountRoute, { params: { accountId: account.user(other.id) } })).balance).toBe('1.000000');
  });

  it('settles arrears first, in the same transaction', async () => {
    const debtor = await newKey(['buyer']);
    // What the market records when a job's spot remainder exceeds the balance.
    await ledgerFor(stack.runtime).transfer({
      key: `test-arrears:${debtor.id}`,
      requestHash: 'x',
      postings: [{ from: account.arrears(debtor.id), to: account.provider('p1'), amount: 30_000_000n }],
      memo: 'spot remainder',
      result: null,
    });
    const r = await stack.admin.call(mintRoute, { body: { user: debtor.id, amount: '50' }, idempotencyKey: 'mint-key-0003' });
    expect(r).toMatchObject({ settledArrears: '30.000000', credited: '20.000000' });
    const own = stack.client(debtor.key);
    expect((await own.call(accountRoute, { params: { accountId: account.arrears(debtor.id) } })).balance).toBe('0.000000');
    expect((await own.call(accountRoute, { params: { accountId: account.user(debtor.id) } })).balance).toBe('20.000000');
  });

  it.each([
    ['zero amount', { user: 'prn_x', amount: '0' }, 'body.amount'],
    ['negative amount', { user: 'prn_x', amount: '-1' }, 'body.amount'],
    ['more than 6 decimals', { user: 'prn_x', amount: '1.1234567' }, 'body.amount'],
    ['a number instead of a string', { user: 'prn_x', amount: 5 }, 'body.amount'],
    ['an exponent', { user: 'prn_x', amount: '1e3' }, 'body.amount'],
    ['a bad user id', { user: 'a b', amount: '1' }, 'body.user'],
    ['an unknown field', { user: 'prn_x', amount: '1', currency: 'USD' }, 'body.currency'],
  ])('%s → 400 naming %s, nothing written', async (_n, body, path) => {
    const before = (await ledgerItems()).length;
    const res = await postMint(body, 'mint-key-bad-input');
    expect(res.status).toBe(400);
    const p = await res.problem();
    expect(p.code).toBe('validation_failed');
    expect(p.issues.map((i) => i.path)).toContain(path);
    expect((await ledgerItems()).length).toBe(before);
  });

  it('requires an Idempotency-Key', async () => {
    const res = await postMint({ user: buyer.id, amount: '1' });
    expect(res.status).toBe(400);
    expect((await res.problem()).issues).toEqual([{ path: 'header.Idempotency-Key', message: 'required' }]);
  });

  it('is admin only', async () => {
    const res = await postMint({ user: buyer.id, amount: '1' }, 'mint-key-0004', buyer.key);
    expect(res.status).toBe(403);
    expect((await res.problem()).code).toBe('forbidden');
  });
});

describe('GET /v1/ledger/accounts/{accountId}', () => {
  it('a user reads their own user and arrears accounts, not anyone else’s', async () => {
    const me = stack.client(buyer.key);
    expect((await me.call(accountRoute, { params: { accountId: account.arrears(buyer.id) } })).balance).toBe('0.000000');
    await expect(me.call(accountRoute, { params: { accountId: account.user(other.id) } })).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(me.call(accountRoute, { params: { accountId: account.platform } })).rejects.toBeInstanceOf(ApiError);
  });

  it('a provider key reads its own provider account (its principal id is its provider id), not another provider’s', async () => {
    const key = await stack.admin.call(createKeyRoute, { body: { roles: ['provider'] } });
    const me = stack.client(key.secret);
    expect(await me.call(accountRoute, { params: { accountId: account.provider(key.principalId) } })).toMatchObject({ kind: 'provider', balance: '0.000000' });
    await expect(me.call(accountRoute, { params: { accountId: account.provider('p1') } })).rejects.toMatchObject({ status: 404, code: 'not_found' });
    // A buyer never reads a provider account, even one named like itself.
    await expect(stack.client(buyer.key).call(accountRoute, { params: { accountId: account.provider(buyer.id) } })).rejects.toMatchObject({ status: 404 });
  });

  it('an operator reads any account; hot accounts report their shards', async () => {
    const p = await stack.client(operatorKey).call(accountRoute, { params: { accountId: account.provider('p1') } });
    expect(p).toEqual({ account: 'provider:p1', kind: 'provider', balance: '30.000000', shards: 8 });
  });

  it('a malformed account id → 400 naming path.accountId', async () => {
    const res = await raw('/v1/ledger/accounts/wallet%3Ax', { headers: { 'x-api-key': stack.adminKey } });
    expect(res.status).toBe(400);
    expect((await res.problem()).issues[0]!.path).toBe('path.accountId');
  });
});

describe('GET /v1/ledger/accounts/{accountId}/entries', () => {
  it('pages through entries oldest first', async () => {
    const u = await newKey(['buyer']);
    for (let i = 1; i <= 3; i++) await stack.admin.call(mintRoute, { body: { user: u.id, amount: `${i}` }, idempotencyKey: `mint-page-${u.id}-${i}` });
    const me = stack.client(u.key);
    const p1 = await me.call(entriesRoute, { params: { accountId: account.user(u.id) }, query: { limit: '2' } });
    expect(p1.entries.map((e) => e.delta)).toEqual(['1.000000', '2.000000']);
    expect(p1.cursor).toBeDefined();
    const p2 = await me.call(entriesRoute, { params: { accountId: account.user(u.id) }, query: { limit: '2', cursor: p1.cursor! } });
    expect(p2.entries.map((e) => e.delta)).toEqual(['3.000000']);
    expect(p2.cursor).toBeUndefined();
  });

  it.each([
    ['?limit=0', 'query.limit'],
    ['?limit=abc', 'query.limit'],
    ['?cursor=%25%25', 'query.cursor'],
    ['?extra=1', 'query.extra'],
  ])('%s → 400 naming %s', async (qs, path) => {
    const res = await raw(`/v1/ledger/accounts/platform/entries${qs}`, { headers: { 'x-api-key': stack.adminKey } });
    expect(res.status).toBe(400);
    expect((await res.problem()).issues[0]!.path).toBe(path);
  });
});

describe('GET /v1/ledger/check', () => {
  it('proves conservation over everything done above', async () => {
    const r = await stack.admin.call(checkRoute);
    expect(r).toMatchObject({ ok: true, violations: 0, total: '0.000000', differences: [], unbalancedTransfers: [], negative: [] });
    expect(r.mintedNet).toBe(r.held);
    expect(r.transfers).toBeGreaterThan(5);
  });

  it('is admin only', async () => {
    await expect(stack.client(operatorKey).call(checkRoute)).rejects.toMatchObject({ status: 403 });
  });

  it('runs as the scheduled job too', async () => {
    const report = (await stack.scheduler.runNow('ledgerCheck')) as { ok: boolean; violations: number };
    expect(report).toMatchObject({ ok: true, violations: 0 });
  });
});
