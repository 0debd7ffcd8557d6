import { describe, expect, it } from 'vitest';
import { creditShard, hash32, planDebit, shardKey } from '../../../functions/ledger/domain/shards.ts';
import { defaultShardsFor, kindOf, mayGoNegative, account } from '../../../functions/ledger/domain/accounts.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';

describe('accounts', () => {
  it.each([
    ['user:prn_1', 'user', 1, false],
    ['provider:p1', 'provider', 8, false],
    ['escrow:rc_1', 'escrow', 1, false],
    ['arrears:prn_1', 'arrears', 1, true],
    ['platform', 'platform', 8, false],
    ['mint', 'mint', 1, true],
  ] as const)('%s is a %s account with %i shard(s)', (id, kind, shards, negative) => {
    expect(kindOf(id)).toBe(kind);
    expect(defaultShardsFor(id)).toBe(shards);
    expect(mayGoNegative(id)).toBe(negative);
  });

  it.each(['', 'user', 'user:', 'bank:x', 'user:a b', 'Platform', `user:${'x'.repeat(129)}`])('%j is not an account', (id) => {
    expect(kindOf(id)).toBeUndefined();
  });

  it('builds ids', () => {
    expect([account.user('a'), account.provider('b'), account.escrow('c'), account.arrears('d'), account.platform, account.mint]).toEqual([
      'user:a',
      'provider:b',
      'escrow:c',
      'arrears:d',
      'platform',
      'mint',
    ]);
  });
});

describe('creditShard', () => {
  it('is stable and within range, and spreads credits', () => {
    expect(creditShard('txn_1:provider:p', 8)).toBe(creditShard('txn_1:provider:p', 8));
    expect(creditShard('anything', 1)).toBe(0);
    const hit = new Set(Array.from({ length: 200 }, (_, i) => creditShard(`txn_${i}`, 8)));
    expect([...hit].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('hashes with FNV-1a', () => {
    expect(hash32('')).toBe(0x811c9dc5);
    expect(hash32('a')).toBe(0xe40c292c);
  });

  it('pads shard keys', () => expect(shardKey(3)).toBe('SHARD#03'));
});

describe('planDebit', () => {
  it('takes the whole amount from one shard when one suffices', () => {
    const plan = planDebit([5n, 0n, 20n, 7n], 6n, 'seed')!;
    expect(plan).toHaveLength(1);
    expect([2, 3]).toContain(plan[0]!.shard);
    expect(plan[0]!.amount).toBe(6n);
  });

  it('splits over the largest shards when no single shard suffices', () => {
    expect(planDebit([5n, 0n, 20n, 7n], 30n, 'seed')).toEqual([
      { shard: 0, amount: 3n },
      { shard: 2, amount: 20n },
      { shard: 3, amount: 7n },
    ]);
  });

  it('returns null when the total is short, and for an empty account', () => {
    expect(planDebit([5n, 0n, 20n, 7n], 33n, 'seed')).toBeNull();
    expect(planDebit([], 1n, 'seed')).toBeNull();
    expect(planDebit([0n, 0n], 1n, 'seed')).toBeNull();
  });

  it('refuses a non-positive amount', () => {
    expect(() => planDebit([1n], 0n, 's')).toThrow('debit amount must be positive');
  });

  it('property: every plan draws exactly the amount, never more than a shard holds', () => {
    const seed = 20261123;
    const rnd = seededPrng(seed);
    for (let i = 0; i < 2000; i++) {
      const balances = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => BigInt(Math.floor(rnd() * 1000)));
      const total = balances.reduce((s, b) => s + b, 0n);
      const amount = 1n + BigInt(Math.floor(rnd() * Number(total + 10n)));
      const plan = planDebit(balances, amount, `t${i}`);
      const ctx = `seed ${seed}, case ${i}: ${balances} / ${amount}`;
      if (amount > total) {
        expect(plan, ctx).toBeNull();
        continue;
      }
      expect(plan, ctx).not.toBeNull();
      expect(
        plan!.reduce((s, d) => s + d.amount, 0n),
        ctx,
      ).toBe(amount);
      expect(new Set(plan!.map((d) => d.shard)).size, ctx).toBe(plan!.length);
      for (const d of plan!) expect(d.amount > 0n && d.amount <= balances[d.shard]!, ctx).toBe(true);
    }
  });
});
