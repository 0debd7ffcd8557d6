import { describe, expect, it } from 'vitest';
import { checkSnapshot, type LedgerSnapshot } from '../../../functions/ledger/domain/conservation.ts';
import { mintPostings } from '../../../functions/ledger/index.ts';

const snap = (stored: [string, bigint][], rebuilt: [string, bigint][] = stored, transfers: [string, bigint][] = [['txn_1', 0n]]): LedgerSnapshot => ({
  stored: new Map(stored),
  rebuilt: new Map(rebuilt),
  transferSums: new Map(transfers),
});

describe('checkSnapshot', () => {
  it('passes a conserved ledger and reports minted − burned', () => {
    const r = checkSnapshot(
      snap([
        ['mint', -100n],
        ['user:a', 60n],
        ['escrow:rc_1', 50n],
        ['arrears:a', -10n],
      ]),
    );
    expect(r).toMatchObject({ ok: true, violations: 0, total: 0n, mintedNet: 100n, held: 100n, accounts: 4 });
  });

  it('reports a stored balance that differs from its entries', () => {
    const r = checkSnapshot(
      snap(
        [
          ['mint', -100n],
          ['user:a', 101n],
        ],
        [
          ['mint', -100n],
          ['user:a', 100n],
        ],
      ),
    );
    expect(r.ok).toBe(false);
    expect(r.differences).toEqual([{ account: 'user:a', stored: 101n, rebuilt: 100n }]);
    expect(r.total).toBe(1n);
    // The difference and the broken conservation are two violations.
    expect(r.violations).toBe(2);
  });

  it('reports an account with entries but no shard, an unbalanced transfer, a negative guarded account', () => {
    const r = checkSnapshot(
      snap(
        [
          ['mint', 5n],
          ['user:a', -5n],
        ],
        [
          ['mint', 5n],
          ['user:a', -5n],
          ['user:b', 3n],
        ],
        [['txn_9', 3n]],
      ),
    );
    expect(r.differences).toEqual([{ account: 'user:b', stored: 0n, rebuilt: 3n }]);
    expect(r.unbalancedTransfers).toEqual([{ transferId: 'txn_9', sum: 3n }]);
    expect(r.negative).toEqual([{ account: 'user:a', balance: -5n }]);
    expect(r.violations).toBe(3);
  });

  it('an empty ledger is fine', () => {
    expect(checkSnapshot(snap([], [], [])).ok).toBe(true);
  });
});

describe('mintPostings', () => {
  it.each([
    [100n, 0n, 0n, 1],
    [100n, 30n, 30n, 2],
    [100n, 100n, 100n, 2],
    [100n, 250n, 100n, 2],
    [100n, -5n, 0n, 1],
  ])('minting %i with %i owed settles %i', (amount, owed, settle, count) => {
    const out = mintPostings('prn_a', amount, owed);
    expect(out.settle).toBe(settle);
    expect(out.postings).toHaveLength(count);
    expect(out.postings[0]).toEqual({ from: 'mint', to: 'user:prn_a', amount });
    if (settle > 0n) expect(out.postings[1]).toEqual({ from: 'user:prn_a', to: 'arrears:prn_a', amount: settle });
  });
});
