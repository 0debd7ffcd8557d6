/**
 * A local stack for the console's browser tests: the console built into a temporary
 * folder and served on the gateway's origin, the jobs context with a pool of real sandbox
 * agents registered by a provider key, the fixture providers, and a key per role (the
 * buyer funded). The clock is the system's: the browser counts a quote's expiry down in
 * real time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../functions/platform/clock.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { mintRoute } from '../../../functions/ledger/api.ts';
import { providersLoadRoute } from '../../../functions/market/api.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { initAgents } from '../../../sdk/dispatcher/identities.ts';
import { registerAgent } from '../../../sdk/dispatcher/agents.ts';
import { buildConsole, type ConsoleBuild } from '../../../console/build.ts';
import { startTestStack } from '../../support/stack.ts';

export type Role = 'buyer' | 'provider' | 'operator' | 'admin';

export interface ConsoleStack {
  url: string;
  build: ConsoleBuild;
  stack: Awaited<ReturnType<typeof startTestStack>>;
  keys: Record<Role, { secret: string; principalId: string }>;
  /** A second funded buyer (for trades and isolation). */
  buyer2: { secret: string; principalId: string };
  dispatcherDir: string;
  stop(): Promise<void>;
}

/** The Stripe webhook signing secret of the console's stack (the tests sign Stripe's events with it). */
export const CONSOLE_WEBHOOK_SECRET = 'whsec_console_tests';

export async function startConsoleStack(opts: { agents?: number } = {}): Promise<ConsoleStack> {
  const build = await buildConsole({ outDir: join(mkdtempSync(join(tmpdir(), 'vracu-console-')), 'dist') });
  const dispatcherDir = join(mkdtempSync(join(tmpdir(), 'vracu-vap-')), 'dispatcher');
  const agents = opts.agents ?? 2;
  const rand = seededPrng(1616);
  initAgents(dispatcherDir, agents, () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
  const stack = await startTestStack({
    clock: systemClock,
    consoleDir: build.outDir,
    plugins: true,
    jobs: { dispatcherDir, maxAgents: agents },
    env: { ...process.env, VRACU_STRIPE_WEBHOOK_SECRET: CONSOLE_WEBHOOK_SECRET },
  });
  try {
    const key = async (role: Role, tenant: string) => {
      const k = await stack.admin.call(createKeyRoute, { body: { roles: [role], tenant, label: `console test ${role}` } });
      return { secret: k.secret, principalId: k.principalId };
    };
    const keys = {
      buyer: await key('buyer', 'buyer-a'),
      provider: await key('provider', 'fleet'),
      operator: await key('operator', 'ops'),
      admin: { secret: stack.adminKey, principalId: 'admin' },
    };
    const buyer2 = await key('buyer', 'buyer-b');
    await stack.admin.call(providersLoadRoute, { body: {} });
    for (const b of [keys.buyer, buyer2])
      await stack.admin.call(mintRoute, { body: { user: b.principalId, amount: '100000' }, idempotencyKey: `fund-${b.principalId}` });
    const provider = stack.client(keys.provider.secret);
    for (let i = 1; i <= agents; i++) await registerAgent(provider, dispatcherDir, `agent-${i}`, `ari${i}`);
    return {
      url: stack.url,
      build,
      stack,
      keys,
      buyer2,
      dispatcherDir,
      stop: () => stack.stop(),
    };
  } catch (e) {
    await stack.stop();
    throw e;
  }
}
