/**
 * The middleware stack in isolation: Powertools logs JSON with the correlation id, metrics
 * go out as EMF, unknown errors become a 500 problem without internals.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { defineRoute } from '../../../functions/platform/http/route.ts';
import { httpHandler } from '../../../functions/platform/http/handler.ts';
import { createRuntime } from '../../../functions/platform/runtime.ts';
import type { Composition, HasRuntime } from '../../../functions/platform/compose.ts';
import { loadConfig } from '../../../functions/platform/config.ts';
import { ManualClock } from '../../../functions/platform/clock.ts';
import { MemoryPublisher } from '../../../functions/platform/events.ts';
import { apiGatewayEvent, lambdaContext } from '../../../local/apigw-event.ts';
import { toAuthorizerContext } from '../../../functions/platform/auth/principal.ts';
import { logger, metrics } from '../../../functions/platform/observability.ts';
import { observed } from '../../../functions/platform/observed.ts';

const boom = defineRoute({
  id: 'boom',
  method: 'POST',
  path: '/boom/{id}',
  access: 'buyer',
  summary: 'test',
  entry: 'n/a',
  tags: [],
  request: { body: z.strictObject({ n: z.number().int() }), params: z.strictObject({ id: z.string().regex(/^b_[a-z]+$/) }) },
  response: { status: 200, body: z.object({ ok: z.boolean() }) },
});

const deps: HasRuntime = { rt: createRuntime(loadConfig({ VRACU_STAGE: 'test' }), { clock: new ManualClock(), events: new MemoryPublisher() }) };
/** A composition that never reads the environment: the handler runs on `deps`. */
const testContext: Composition<HasRuntime> = { context: 'test', fromEnv: () => deps };
const principal = toAuthorizerContext({ id: 'prn_a', tenant: 't', roles: ['buyer'], keyId: 'k' });
const ev = (body: string, id = 'b_x') =>
  apiGatewayEvent(
    boom,
    { method: 'POST', path: `/boom/${id}`, headers: { 'content-type': 'application/json', 'x-correlation-id': 'c-42' }, body },
    { id },
    principal,
  );

afterEach(() => vi.restoreAllMocks());

describe('httpHandler', () => {
  it('an unknown error → 500 problem without internals, logged with the correlation id', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    logger.setLogLevel('ERROR');
    const h = httpHandler(boom, testContext, async () => {
      throw new Error('secret table name vracu-prod-ledger');
    });
    const res = (await h(ev('{"n":1}'), lambdaContext('boom'))) as { statusCode: number; body: string };
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'internal', correlationId: 'c-42' });
    const log = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'unhandled error');
    expect(log).toMatchObject({ level: 'ERROR', correlationId: 'c-42', route: 'boom' });
  });

  it('a path parameter of the wrong shape → 400 naming it', async () => {
    const h = httpHandler(boom, testContext, async () => ({ ok: true }));
    const res = (await h(ev('{"n":1}', 'B-1'), lambdaContext('boom'))) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).issues[0].path).toBe('path.id');
  });

  it('publishes EMF metrics when metrics are enabled', async () => {
    const lines: string[] = [];
    metrics.setDefaultDimensions({});
    const prev = process.env.POWERTOOLS_METRICS_DISABLED;
    const spy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
    const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    try {
      // The Metrics instance reads the flag at construction; flip its own switch for this test.
      (metrics as unknown as { disabled: boolean }).disabled = false;
      const h = httpHandler(boom, testContext, async () => ({ ok: true }));
      const res = (await h(ev('{"n":1}'), lambdaContext('boom'))) as { statusCode: number };
      expect(res.statusCode).toBe(200);
    } finally {
      (metrics as unknown as { disabled: boolean }).disabled = true;
      process.env.POWERTOOLS_METRICS_DISABLED = prev;
      spy.mockRestore();
      spyOut.mockRestore();
    }
    const emf = lines
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return null;
        }
      })
      .find((l) => l && '_aws' in l);
    expect(emf).toBeTruthy();
    expect(emf!.requests).toBe(1);
  });

  it('an invocation that recorded no metric publishes nothing and warns nothing', async () => {
    const lines: string[] = [];
    const spies = [
      vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s))),
      vi.spyOn(console, 'warn').mockImplementation((s: unknown) => void lines.push(String(s))),
      vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true)),
      vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true)),
    ];
    try {
      (metrics as unknown as { disabled: boolean }).disabled = false;
      const quiet = observed(async () => 'done');
      expect(await quiet({}, lambdaContext('quiet'))).toBe('done');
    } finally {
      (metrics as unknown as { disabled: boolean }).disabled = true;
      for (const s of spies) s.mockRestore();
    }
    expect(lines.filter((l) => l.includes('_aws') || l.includes('No application metrics'))).toEqual([]);
  });
});
