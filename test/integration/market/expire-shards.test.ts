/**
 * The expiry sweep under failing reads, on DynamoDB Local: a shard of the open-RC index whose
 * query throttles is left for the next sweep (counted in `unscannedShards`), the other shards
 * are swept; a read error that is no transient one still fails the sweep. A sweep that fails
 * on one RC answers only once the others it started have settled (nothing of it is still
 * writing when its caller retries).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, localDynamo, type TestEnv } from '../../support/runtime.ts';
import { injectFaults } from '../../support/fault-injection.ts';
import { composeMarket } from '../../../functions/market/index.ts';
import { expireDue } from '../../../functions/market/usecases/expire.ts';
import { RC_OPEN_SHARDS } from '../../../functions/market/store/keys.ts';
import { getRc } from '../../../functions/market/store/reads.ts';
import { createQuote } from '../../../functions/market/usecases/quote.ts';
import { purchase } from '../../../functions/market/usecases/purchase.ts';
import { DAY_MS, PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { scu } from '../../../functions/market/domain/units.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import { topUp } from './support.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ ddb: localDynamo(), seed: 7 });
  await loadCatalog(composeMarket(env.compositions.market.rt), PROVIDER_FIXTURES.slice(0, 2));
});

const market = () => composeMarket(env.compositions.market.rt);

describe('the expiry sweep', () => {
  it('every read answering: all shards scanned', async () => {
    expect(await expireDue(market())).toMatchObject({ unscannedShards: 0, expiredCount: 0 });
  });

  it('reads that throttle: the sweep answers, naming the shards it left', async () => {
    // Every other query throttles (the SDK's own retries are spent on each): half the shards are left.
    let n = 0;
    const f = injectFaults(env.ddb, { random: () => (n++ % 2 === 0 ? 0 : 0.99), beforeRate: 0.5, afterRate: 0, commands: ['QueryCommand'] });
    f.arm();
    try {
      const out = await expireDue(market());
      expect(out.unscannedShards).toBeGreaterThan(0);
      expect(out.unscannedShards).toBeLessThanOrEqual(RC_OPEN_SHARDS);
      expect(f.stats.throttle).toBeGreaterThan(0);
    } finally {
      f.remove();
    }
  });

  it('a read error that is not transient fails the sweep', async () => {
    const name = 'validation-fault';
    env.ddb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand')
          throw Object.assign(new Error('bad key condition (injected)'), { name: 'ValidationException', $metadata: {} });
        return next(args);
      },
      { step: 'initialize', name, priority: 'high' },
    );
    try {
      await expect(expireDue(market())).rejects.toThrow(/bad key condition/);
    } finally {
      env.ddb.middlewareStack.remove(name);
    }
  });

  it('one RC failing: the sweep fails only after the others of its batch settled', async () => {
    await topUp(env.rt, 'sweep-u', '5000');
    const rcIds: string[] = [];
    for (const provider of PROVIDER_FIXTURES.slice(0, 2)) {
      const q = await createQuote(market(), 'sweep-u', { tenor: 'T7D', quantityScu: scu(5n), providerIds: [provider.id] });
      const p = await purchase(market(), 'sweep-u', q.quoteId, `sweep-${provider.id}`);
      rcIds.push(...(p.result as { reservations: { rcId: string }[] }).reservations.map((r) => r.rcId));
    }
    const [slow, failing] = rcIds as [string, string];
    env.clock.advance(8 * DAY_MS);
    const name = 'one-rc-fails';
    let failed = false;
    env.ddb.middlewareStack.add(
      (next, context) => async (args) => {
        const about = JSON.stringify(args.input, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
        if (!failed && context.commandName === 'GetItemCommand' && about.includes(failing)) {
          failed = true;
          throw Object.assign(new Error('socket hang up (injected)'), { name: 'TimeoutError', $metadata: {} });
        }
        // The other RC's expiry takes its time: without waiting for it, the sweep would fail first.
        if (context.commandName === 'TransactWriteItemsCommand' && about.includes(slow)) await new Promise((r) => setTimeout(r, 300));
        return next(args);
      },
      { step: 'initialize', name, priority: 'high' },
    );
    try {
      await expect(expireDue(market())).rejects.toThrow(/socket hang up/);
      expect((await getRc(market().store, slow))?.status).toBe('EXPIRED');
      expect((await getRc(market().store, failing))?.status).not.toBe('EXPIRED');
    } finally {
      env.ddb.middlewareStack.remove(name);
    }
    // The next sweep expires the one left.
    expect(await expireDue(market())).toMatchObject({ expiredCount: 1, expired: [expect.objectContaining({ rcId: failing })] });
  });
});
