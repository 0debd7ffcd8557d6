/** Gateway behaviour that mirrors API Gateway: per-route throttles and correlation ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

describe('local gateway', () => {
  it('applies the route table throttle (keys-create: burst 10) with 429', async () => {
    const burst = createKeyRoute.throttle!.burstLimit;
    const statuses: number[] = [];
    for (let i = 0; i < burst + 5; i++) {
      const res = await fetch(`${stack.url}${createKeyRoute.path}`, { method: 'POST', headers: { 'x-api-key': 'vk_none' } });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
    expect(statuses.slice(0, burst).every((s) => s !== 429)).toBe(true);
  });

  it('echoes the caller correlation id, or the request id', async () => {
    const a = await fetch(`${stack.url}/health`, { headers: { 'x-correlation-id': 'corr-123' } });
    expect(a.headers.get('x-correlation-id')).toBe('corr-123');
    const b = await fetch(`${stack.url}/health`);
    expect(b.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
