/** Which shard of an account a credit lands on and which shards a debit draws from. */

import { hash32 } from '../../platform/hash.ts';

export { hash32 };

export const creditShard = (seed: string, shards: number): number => (shards <= 1 ? 0 : hash32(seed) % shards);

export interface ShardDraw {
  shard: number;
  amount: bigint;
}

/**
 * Plans a debit over shard balances (index = shard number). Prefers one shard that covers
 * the whole amount, starting at a seed-dependent shard so concurrent debits spread out;
 * otherwise splits over the largest shards. Returns null when the total is short.
 */
export function planDebit(balances: readonly bigint[], amount: bigint, seed: string): ShardDraw[] | null {
  if (amount <= 0n) throw new RangeError('debit amount must be positive');
  const n = balances.length;
  if (n === 0) return null;
  const start = hash32(seed) % n;
  for (let k = 0; k < n; k++) {
    const s = (start + k) % n;
    if (balances[s]! >= amount) return [{ shard: s, amount }];
  }
  const order = balances
    .map((b, shard) => ({ shard, b }))
    .filter((x) => x.b > 0n)
    .sort((x, y) => (x.b > y.b ? -1 : x.b < y.b ? 1 : x.shard - y.shard));
  const draws: ShardDraw[] = [];
  let left = amount;
  for (const { shard, b } of order) {
    const take = b < left ? b : left;
    draws.push({ shard, amount: take });
    left -= take;
    if (left === 0n) return draws.sort((x, y) => x.shard - y.shard);
  }
  return null;
}

export const shardKey = (shard: number): string => `SHARD#${String(shard).padStart(2, '0')}`;
