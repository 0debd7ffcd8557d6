/**
 * Every route tried with bad input at its edges, over HTTP through the local gateway: a
 * malformed percent-encoding in any path parameter, a forged cursor, a query integer that is
 * not decimal, a missing key. Each answer is a 4xx application/problem+json with its code,
 * never a 5xx, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../functions/api/routes.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { scanTable } from '../../support/scan.ts';
import { startTestStack } from '../../support/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let buyerKey: string;

beforeAll(async () => {
  stack = await startTestStack({ plugins: true });
  buyerKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'edge' } })).secret;
});
afterAll(async () => stack?.stop());

const everything = async () => (await Promise.all((['auth', 'ledger', 'market', 'jobs'] as const).map((t) => scanTable(stack.runtime, t)))).flat().length;

async function expectProblem(res: Response, status: number | 'any4xx', code?: string) {
  const body = await res.text();
  if (status === 'any4xx') expect(res.status, body).toBeGreaterThanOrEqual(400);
  if (status === 'any4xx') expect(res.status, body).toBeLessThan(500);
  else expect(res.status, body).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const p = JSON.parse(body) as { code: string; status: number };
  expect(p.status).toBe(res.status);
  if (code) expect(p.code).toBe(code);
  return p;
}

const withParams = ROUTES.filter((r) => /\{\w+\}/.test(r.path));
const fill = (r: RouteSpec, raw: string) => r.path.replace(/\{(\w+)\}/g, () => raw);
const call = (r: RouteSpec, path: string) =>
  fetch(`${stack.url}${path}`, {
    method: r.method,
    headers: { 'x-api-key': stack.adminKey, ...(r.request?.body ? { 'content-type': 'application/json' } : {}) },
    ...(r.request?.body ? { body: '{}' } : {}),
  });

describe('a malformed percent-encoding in a path parameter is a 4xx problem, on every route that has one', () => {
  it('there are such routes', () => expect(withParams.length).toBeGreaterThanOrEqual(12));
  it.each(withParams.flatMap((r) => ['%zz', '%', '%E0%A4%A'].map((raw) => [`${r.method} ${r.path}`, raw, r] as const)))('%s with %s', async (_name, raw, r) => {
    const before = await everything();
    await expectProblem(await call(r, fill(r, raw)), 'any4xx');
    expect(await everything()).toBe(before);
  });
});

describe('cursors are validated strictly', () => {
  const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it.each([
    ['a position that is not a key', forge({ 0: 'x' })],
    ['a shard the account does not have', forge({ 7: null })],
    ['a key with unknown members', forge({ 0: { pk: 'XFER#a', sk: 'ENTRY#user:a', gsi1pk: 'ENTRIES#user:a', gsi1sk: 'a', extra: 1 } })],
    ['a key of another account', forge({ 0: { pk: 'XFER#a', sk: 'ENTRY#user:b', gsi1pk: 'ENTRIES#user:b', gsi1sk: 'a' } })],
    ['not JSON', 'bm90IGpzb24'],
    ['an array', forge([null])],
  ])('ledger entries: %s → 400', async (_name, cursor) => {
    const res = await fetch(`${stack.url}/v1/ledger/accounts/user:a/entries?cursor=${cursor}`, { headers: { 'x-api-key': stack.adminKey } });
    const p = await expectProblem(res, 400, 'validation_failed');
    expect(JSON.stringify(p)).toContain('query.cursor');
  });
  it.each([
    ['jobs', forge({ pk: 'JOB#x', sk: 'JOB', gsi1pk: 'TENANT#edge', gsi1sk: 'x', more: 1 })],
    ['jobs, another tenant', forge({ pk: 'JOB#x', sk: 'JOB', gsi1pk: 'TENANT#other', gsi1sk: 'x' })],
  ])('%s: a forged cursor → 400', async (_name, cursor) => {
    const res = await fetch(`${stack.url}/v1/jobs?cursor=${cursor}`, { headers: { 'x-api-key': buyerKey } });
    await expectProblem(res, 400, 'validation_failed');
  });
});

describe('query integers are decimal integers only', () => {
  const withLimit = ROUTES.filter(
    (r) => r.method === 'GET' && r.request?.query && 'shape' in r.request.query && 'limit' in (r.request.query as unknown as { shape: object }).shape,
  );
  it('there are routes with a limit', () => expect(withLimit.length).toBeGreaterThanOrEqual(4));
  it.each(withLimit.flatMap((r) => ['0x10', '1e2', ' 16', '16.0', '+16', '-1'].map((v) => [`${r.path}`, v, r] as const)))(
    '%s?limit=%s → 400',
    async (_p, v, r) => {
      const res = await fetch(
        `${stack.url}${fill(r, r.path.includes('{accountId}') ? 'user:a' : 'job_00000000000000000000000000')}?limit=${encodeURIComponent(v)}`,
        {
          headers: { 'x-api-key': stack.adminKey },
        },
      );
      const p = await expectProblem(res, 400, 'validation_failed');
      expect(JSON.stringify(p)).toContain('query.limit');
    },
  );
});

describe('answers the exchange controls are problem+json', () => {
  it('no key → 401 problem+json `unauthenticated`, as an unknown key', async () => {
    await expectProblem(await fetch(`${stack.url}/v1/whoami`), 401, 'unauthenticated');
  });
  it('unknown route → 404 `route_not_found`; wrong method → 405 `method_not_allowed` with Allow', async () => {
    await expectProblem(await fetch(`${stack.url}/v1/nope`), 404, 'route_not_found');
    const res = await fetch(`${stack.url}/health`, { method: 'DELETE' });
    expect(res.headers.get('allow')).toBe('GET');
    await expectProblem(res, 405, 'method_not_allowed');
  });
});
