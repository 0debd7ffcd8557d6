/** Gateway behaviour that mirrors API Gateway: per-route throttles and correlation ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { ManualClock } from '../../../functions/platform/clock.ts';

const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({ routeThrottles: true, clock });
});
afterAll(async () => stack?.stop());

describe('local gateway', () => {
  it('applies the route table throttle (keys-create: burst 10) with 429', async () => {
    const burst = createKeyRoute.throttle!.burstLimit;
    const rate = createKeyRoute.throttle!.rateLimit;
    const post = () => fetch(`${stack.url}${createKeyRoute.path}`, { method: 'POST', headers: { 'x-api-key': 'vk_none' } });
    // The bucket holds `burst` tokens and refills by the stack's (manual) clock: with time
    // standing still, exactly `burst` pass and the rest are refused.
    const responses = await Promise.all(Array.from({ length: burst + 5 }, post));
    const statuses = responses.map((r) => r.status);
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled.length, String(statuses)).toBe(5);
    expect(statuses.filter((s) => s === 401).length).toBe(burst);
    // API Gateway's own body, documented in the README and the OpenAPI document.
    expect(await throttled[0]!.json()).toEqual({ message: 'Too Many Requests' });
    // One second later `rate` more tokens are there, and no more.
    clock.advance(1000);
    const after = await Promise.all(Array.from({ length: rate + 2 }, post));
    expect(after.map((r) => r.status).filter((s) => s === 429).length).toBe(2);
  });

  it('echoes the caller correlation id, or the request id', async () => {
    const a = await fetch(`${stack.url}/health`, { headers: { 'x-correlation-id': 'corr-123' } });
    expect(a.headers.get('x-correlation-id')).toBe('corr-123');
    const b = await fetch(`${stack.url}/health`);
    expect(b.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
