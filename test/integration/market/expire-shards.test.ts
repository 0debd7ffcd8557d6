/**
 * The expiry sweep under failing reads, on DynamoDB Local: a shard of the open-RC index whose
 * query throttles is left for the next sweep (counted in `unscannedShards`), the other shards
 * are swept; a read error that is no transient one still fails the sweep.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, localDynamo, type TestEnv } from '../../support/runtime.ts';
import { injectFaults } from '../../support/fault-injection.ts';
import { composeMarket } from '../../../functions/market/index.ts';
import { expireDue } from '../../../functions/market/usecases/expire.ts';
import { RC_OPEN_SHARDS } from '../../../functions/market/store/keys.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ ddb: localDynamo(), seed: 7 });
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
});
