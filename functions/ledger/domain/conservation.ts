/**
 * The ledger's invariants, checked over a snapshot of shards and entries:
 *  1. conservation: the sum of all balances, `mint` included, is zero; equivalently every
 *     non-mint account together (escrow included, arrears negative) holds minted − burned;
 *  2. every account's stored balance (sum of its shards) equals the sum of its entries;
 *  3. every transfer's entries sum to zero (each posting has both sides);
 *  4. no guarded account is negative.
 */
import { mayGoNegative, type AccountId } from './accounts.ts';

export interface LedgerSnapshot {
  /** Sum of shards per account. */
  stored: Map<AccountId, bigint>;
  /** Sum of entries per account. */
  rebuilt: Map<AccountId, bigint>;
  /** Sum of entries per transfer. */
  transferSums: Map<string, bigint>;
}

export interface BalanceDifference {
  account: AccountId;
  stored: bigint;
  rebuilt: bigint;
}

export interface CheckReport {
  ok: boolean;
  accounts: number;
  transfers: number;
  /** minted − burned, i.e. −balance(mint). */
  mintedNet: bigint;
  /** Sum of every account except `mint`. */
  held: bigint;
  /** Sum of every account including `mint`; must be 0. */
  total: bigint;
  differences: BalanceDifference[];
  unbalancedTransfers: { transferId: string; sum: bigint }[];
  negative: { account: AccountId; balance: bigint }[];
  /** Count of violations of any kind (the alarm's metric). */
  violations: number;
}

export function checkSnapshot(s: LedgerSnapshot): CheckReport {
  const ids = new Set<AccountId>([...s.stored.keys(), ...s.rebuilt.keys()]);
  let total = 0n;
  const differences: BalanceDifference[] = [];
  const negative: CheckReport['negative'] = [];
  for (const a of [...ids].sort()) {
    const stored = s.stored.get(a) ?? 0n;
    const rebuilt = s.rebuilt.get(a) ?? 0n;
    total += stored;
    if (stored !== rebuilt) differences.push({ account: a, stored, rebuilt });
    if (stored < 0n && !mayGoNegative(a)) negative.push({ account: a, balance: stored });
  }
  const mintedNet = -(s.stored.get('mint') ?? 0n);
  const unbalancedTransfers = [...s.transferSums].filter(([, sum]) => sum !== 0n).map(([transferId, sum]) => ({ transferId, sum }));
  const violations = (total !== 0n ? 1 : 0) + differences.length + unbalancedTransfers.length + negative.length;
  return {
    ok: violations === 0,
    accounts: ids.size,
    transfers: s.transferSums.size,
    mintedNet,
    held: total + mintedNet,
    total,
    differences,
    unbalancedTransfers,
    negative,
    violations,
  };
}
