/** The SDK's retry and error behaviour, against a real HTTP server on loopback. */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, VracuClient } from '../../../sdk/client.ts';
import { createKeyRoute, health } from '../../../functions/platform/api.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(
  responses: { status: number; body: unknown; headers?: Record<string, string> }[],
): Promise<{ url: string; seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] }> {
  const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const r = responses[Math.min(seen.length - 1, responses.length - 1)]!;
      res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, seen };
}

describe('VracuClient', () => {
  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    const { url, seen } = await serve([
      { status: 503, body: { message: 'Service Unavailable' } },
      { status: 429, body: { message: 'Too Many Requests' } },
      { status: 200, body: { status: 'ok', stage: 'dev', time: 'now' } },
    ]);
    const c = new VracuClient({ baseUrl: url, attempts: 4, baseDelayMs: 1, random: () => 0 });
    expect(await c.call(health)).toEqual({ status: 'ok', stage: 'dev', time: 'now' });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a 4xx and surfaces the problem code', async () => {
    const { url, seen } = await serve([{ status: 409, body: { type: 't', title: 'x', status: 409, code: 'insufficient_funds', detail: 'not enough' } }]);
    const c = new VracuClient({ baseUrl: url, baseDelayMs: 1 });
    const err = (await c.call(health).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('insufficient_funds');
    expect(seen).toHaveLength(1);
  });

  it('gives up after the bounded attempts', async () => {
    const { url, seen } = await serve([{ status: 500, body: { message: 'boom' } }]);
    const c = new VracuClient({ baseUrl: url, attempts: 3, baseDelayMs: 1, random: () => 0 });
    const err = (await c.call(health).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(500);
    expect(seen).toHaveLength(3);
  });

  it('sends the key, JSON body and Idempotency-Key', async () => {
    const { url, seen } = await serve([{ status: 201, body: {} }]);
    const c = new VracuClient({ baseUrl: url, apiKey: 'vk_x' });
    await c.call(createKeyRoute, { body: { roles: ['buyer'] }, idempotencyKey: 'abcdefgh1' });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/v1/keys');
    expect(seen[0]!.headers['x-api-key']).toBe('vk_x');
    expect(seen[0]!.headers['idempotency-key']).toBe('abcdefgh1');
    expect(JSON.parse(seen[0]!.body)).toEqual({ roles: ['buyer'] });
  });
});
