/** A local stack on the test run's engines, with its own tables and queues. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ManualClock, type Clock } from '../../functions/platform/clock.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';
import { VracuClient } from '../../sdk/client.ts';

export async function startTestStack(
  opts: Partial<LocalStackOptions> & { clock?: Clock } = {},
): Promise<LocalStack & { admin: VracuClient; client(key?: string): VracuClient }> {
  const stack = await startLocalStack({
    port: 0,
    memory: true,
    quiet: true,
    schedules: false,
    // Tests that need jobs start the plugins with their own jobs options (`plugins: true, jobs: {...}`).
    plugins: false,
    // Throttling is shown by its own test (test/e2e/platform/gateway.test.ts); elsewhere it would only make tests timing-dependent.
    routeThrottles: false,
    dynamoEndpoint: inject('dynamoEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    tablePrefix: `e${randomBytes(4).toString('hex')}`,
    clock: opts.clock ?? new ManualClock(Date.UTC(2026, 10, 23, 12)),
    ...opts,
  });
  const client = (key?: string) => new VracuClient({ baseUrl: stack.url, apiKey: key, attempts: 1 });
  return Object.assign(stack, { admin: client(stack.adminKey), client });
}
