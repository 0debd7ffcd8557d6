/** Gateway behaviour that mirrors API Gateway: per-route throttles and correlation ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({ routeThrottles: true });
});
afterAll(async () => stack?.stop());

describe('local gateway', () => {
  it('applies the route table throttle (keys-create: burst 10) with 429', async () => {
    const burst = createKeyRoute.throttle!.burstLimit;
    // All at once: the bucket holds `burst` tokens and refills at 5/s, so about 5 of 15 are refused.
    const responses = await Promise.all(
      Array.from({ length: burst + 5 }, () => fetch(`${stack.url}${createKeyRoute.path}`, { method: 'POST', headers: { 'x-api-key': 'vk_none' } })),
    );
    const statuses = responses.map((r) => r.status);
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled.length, String(statuses)).toBeGreaterThanOrEqual(4);
    expect(statuses.filter((s) => s !== 429).length).toBeGreaterThanOrEqual(burst);
    // API Gateway's own body, documented in the README and the OpenAPI document.
    expect(await throttled[0]!.json()).toEqual({ message: 'Too Many Requests' });
  });

  it('echoes the caller correlation id, or the request id', async () => {
    const a = await fetch(`${stack.url}/health`, { headers: { 'x-correlation-id': 'corr-123' } });
    expect(a.headers.get('x-correlation-id')).toBe('corr-123');
    const b = await fetch(`${stack.url}/health`);
    expect(b.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
