/**
 * A Lambda entry composes once per container; a composition's `prepare` (the payments
 * secrets) runs first and its settings are laid over the environment; a rejection stops
 * every invocation with its message and is not retried into a half-made composition.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { entry, type Composition, type HasRuntime } from '../../../functions/platform/compose.ts';

type Deps = HasRuntime & { seen: string | undefined };
const ctx = {} as Context;

describe('entry', () => {
  it('prepares once, lays the result over the environment and composes from both', async () => {
    let prepared = 0;
    process.env.VRACU_COMPOSE_TEST_ARN = 'vracu-dev/x';
    const c: Composition<Deps> = {
      context: 'payments',
      prepare: async (env) => (prepared++, { VRACU_COMPOSE_TEST_VALUE: `value of ${env.VRACU_COMPOSE_TEST_ARN}` }),
      fromEnv: (env) => ({ rt: undefined as never, seen: env.VRACU_COMPOSE_TEST_VALUE }),
    };
    const h = entry(c, (d) => async () => d.seen);
    expect(await h(undefined as never, ctx)).toBe('value of vracu-dev/x');
    expect(await h(undefined as never, ctx)).toBe('value of vracu-dev/x');
    expect(prepared).toBe(1);
    delete process.env.VRACU_COMPOSE_TEST_ARN;
  });

  it('a prepare that refuses fails every invocation with its message, and the handler never runs', async () => {
    let ran = 0;
    const c: Composition<Deps> = {
      context: 'payments',
      prepare: async () => {
        throw new Error('this payments function cannot start without the Stripe webhook signing secret');
      },
      fromEnv: () => ({ rt: undefined as never, seen: undefined }),
    };
    const h = entry(c, () => async () => ran++);
    await expect(h(undefined as never, ctx)).rejects.toThrow(/cannot start without the Stripe webhook signing secret/);
    await expect(h(undefined as never, ctx)).rejects.toThrow(/cannot start without/);
    expect(ran).toBe(0);
  });
});
