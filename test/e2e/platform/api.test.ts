/**
 * The first slice end to end: health, whoami, keys, roles, OpenAPI and bad input, through
 * the local gateway over HTTP with the real authorizer and DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTable } from '../../support/scan.ts';
import { startTestStack } from '../../support/stack.ts';
import { ROUTES } from '../../../functions/api/routes.ts';
import { createKeyRoute, health, whoami } from '../../../functions/platform/api.ts';
import { ApiError } from '../../../sdk/client.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let buyerKey: string;

beforeAll(async () => {
  stack = await startTestStack();
  buyerKey = (await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'acme' } })).secret;
});
afterAll(async () => stack?.stop());

const raw = (path: string, init: RequestInit = {}) => fetch(`${stack.url}${path}`, init);
const authItems = () => scanTable(stack.runtime, 'auth');

describe('GET /health (public)', () => {
  it('answers ok without a key', async () => {
    const h = await stack.client().call(health);
    expect(h.status).toBe('ok');
    expect(h.stage).toBe('local');
    expect(h.time).toBe('2026-11-23T12:00:00.000Z');
  });
});

describe('GET /v1/whoami (authenticated)', () => {
  it('returns the principal behind the key', async () => {
    const w = await stack.client(buyerKey).call(whoami);
    expect(w.roles).toEqual(['buyer']);
    expect(w.tenant).toBe('acme');
    expect(w.principalId).toMatch(/^prn_/);
  });

  it('no key → 401 problem+json from the exchange (the authorizer admits, the route refuses), as in the cloud', async () => {
    const res = await raw('/v1/whoami');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('unauthenticated');
  });

  it('an unknown key → 401 problem+json', async () => {
    const res = await raw('/v1/whoami', { headers: { 'x-api-key': 'vk_' + 'A'.repeat(43) } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('unauthenticated');
  });
});

describe('keys', () => {
  it('stores only the SHA-256 hash of a secret', async () => {
    const k = await stack.admin.call(createKeyRoute, { body: { roles: ['provider'] } });
    const items = await authItems();
    const dump = JSON.stringify(items);
    expect(dump).not.toContain(k.secret);
    const { createHash } = await import('node:crypto');
    expect(items.map((i) => i.pk)).toContain(`KEY#${createHash('sha256').update(k.secret).digest('hex')}`);
  });

  it('a buyer cannot create keys → 403, nothing written', async () => {
    const before = (await authItems()).length;
    const err = await stack
      .client(buyerKey)
      .call(createKeyRoute, { body: { roles: ['admin'] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).code).toBe('forbidden');
    expect((await authItems()).length).toBe(before);
  });
});

describe('bad input → 4xx problem+json naming the field, nothing written', () => {
  const post = (body: string, contentType = 'application/json') =>
    raw('/v1/keys', { method: 'POST', headers: { 'x-api-key': stack.adminKey, 'content-type': contentType }, body });

  it.each([
    ['malformed JSON', '{"roles": [', 'application/json', 400, 'malformed_json', undefined],
    ['wrong content type', '{"roles":["buyer"]}', 'text/plain', 415, 'unsupported_media_type', undefined],
    ['unknown field', '{"roles":["buyer"],"superuser":true}', 'application/json', 400, 'validation_failed', 'body.superuser'],
    ['wrong type', '{"roles":"buyer"}', 'application/json', 400, 'validation_failed', 'body.roles'],
    ['unknown role', '{"roles":["root"]}', 'application/json', 400, 'validation_failed', 'body.roles.0'],
    ['empty roles', '{"roles":[]}', 'application/json', 400, 'validation_failed', 'body.roles'],
    ['body over 1 MB', JSON.stringify({ roles: ['buyer'], label: 'x'.repeat(1_100_000) }), 'application/json', 413, 'payload_too_large', undefined],
  ])('%s', async (_name, body, type, status, code, field) => {
    const before = (await authItems()).length;
    const res = await post(body, type);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = (await res.json()) as { code: string; status: number; issues: { path: string }[] };
    expect(p.code).toBe(code);
    expect(p.status).toBe(status);
    if (field) expect(p.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect((await authItems()).length).toBe(before);
  });

  it('unknown route → 404, wrong method → 405', async () => {
    const a = await raw('/v1/nope');
    expect(a.status).toBe(404);
    expect(((await a.json()) as { code: string }).code).toBe('route_not_found');
    const b = await raw('/health', { method: 'DELETE' });
    expect(b.status).toBe(405);
    expect(b.headers.get('allow')).toBe('GET');
  });

  it('a malformed Idempotency-Key → 400', async () => {
    const res = await raw('/v1/keys', {
      method: 'POST',
      headers: { 'x-api-key': stack.adminKey, 'content-type': 'application/json', 'idempotency-key': 'bad key!' },
      body: '{"roles":["buyer"]}',
    });
    expect(res.status).toBe(400);
  });
});

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 and lists every route of the route table', async () => {
    const res = await raw('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${p} ${op.operationId}`));
    expect(listed.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort());
  });

  it('documents the two bodies API Gateway writes itself (429, 413) on every operation', async () => {
    const doc = (await (await raw('/openapi.json')).json()) as {
      components: { responses: Record<string, unknown> };
      paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
    };
    expect(Object.keys(doc.components.responses).sort()).toEqual(['GatewayThrottled', 'GatewayTooLarge']);
    for (const r of ROUTES) {
      const op = doc.paths[r.path]![r.method.toLowerCase()]!;
      expect(op.responses['429']!.$ref).toBe('#/components/responses/GatewayThrottled');
      if (r.request?.body) expect(op.responses['413']!.$ref).toBe('#/components/responses/GatewayTooLarge');
    }
  });
});
