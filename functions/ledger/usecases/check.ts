/**
 * The conservation checker: one parallel scan of shards and entries, then point re-checks
 * of whatever the scan flagged (a scan is not a snapshot, so transfers committing during it
 * can look like differences). What survives the re-checks is reported.
 *
 * Conservation (the sum of all balances, mint included, is zero) follows from the other two
 * invariants: if every account's balance equals the sum of its entries and every transfer's
 * entries sum to zero, all balances sum to zero. The scan's own total is reported, and
 * counted as a violation only while an account or transfer remains unexplained. An
 * account written continuously may never hold still for a bracketed read: it is reported
 * as `unverified` (and counted by its own metric), and verified by the next quiet check.
 */
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { formatAcu } from '../../platform/money.ts';
import { defaultShardsFor, type AccountId } from '../domain/accounts.ts';
import { checkSnapshot, type CheckReport } from '../domain/conservation.ts';
import { readSnapshot } from '../store/snapshot.ts';
import { recheckAccount, transferSum } from '../store/recheck.ts';

export interface CheckOptions {
  /** Bracketed re-reads per flagged account. */
  attempts?: number;
  pauseMs?: number;
  shardsFor?: (a: AccountId) => number;
}

export type LedgerCheck = CheckReport & {
  /** Accounts flagged by the scan that never held still long enough to verify. */
  unverified: AccountId[];
  /** Accounts and transfers the scan flagged and the re-checks cleared. */
  cleared: number;
  durationMs: number;
};

export async function checkLedger(doc: StoreCtx['doc'], table: string, opts: CheckOptions = {}): Promise<LedgerCheck> {
  const started = performance.now();
  const attempts = opts.attempts ?? 10;
  const pauseMs = opts.pauseMs ?? 100;
  const shardsFor = opts.shardsFor ?? defaultShardsFor;
  const scan = checkSnapshot(await readSnapshot(doc, table));
  let cleared = 0;
  const unverified: AccountId[] = [];
  const differences: CheckReport['differences'] = [];
  const negative: CheckReport['negative'] = [];
  const flagged = new Set([...scan.differences.map((d) => d.account), ...scan.negative.map((n) => n.account)]);
  for (const a of [...flagged].sort()) {
    const r = await recheckAccount(doc, table, a, shardsFor(a), attempts, pauseMs);
    if (r.state === 'busy') unverified.push(a);
    else if (r.state === 'differs') differences.push({ account: a, stored: r.stored, rebuilt: r.rebuilt });
    else if (scan.negative.some((n) => n.account === a) && r.balance < 0n) negative.push({ account: a, balance: r.balance });
    else cleared++;
  }
  const unbalancedTransfers: CheckReport['unbalancedTransfers'] = [];
  for (const t of scan.unbalancedTransfers) {
    const sum = await transferSum(doc, table, t.transferId);
    if (sum === 0n) cleared++;
    else unbalancedTransfers.push({ transferId: t.transferId, sum });
  }
  // An account too busy to verify is not evidence of a violation; it is listed instead.
  const unexplained = differences.length + unbalancedTransfers.length > 0;
  const conservation = scan.total !== 0n && unexplained ? 1 : 0;
  const violations = conservation + differences.length + unbalancedTransfers.length + negative.length;
  return {
    ...scan,
    differences,
    unbalancedTransfers,
    negative,
    violations,
    ok: violations === 0,
    unverified,
    cleared,
    durationMs: Math.round(performance.now() - started),
  };
}

export const checkRuntimeLedger = (rt: Runtime, opts?: CheckOptions) => checkLedger(rt.doc, rt.table('ledger'), opts);

/** The report as JSON (amounts as ACU decimal strings). */
export function reportJson(r: LedgerCheck) {
  return {
    ok: r.ok,
    violations: r.violations,
    accounts: r.accounts,
    transfers: r.transfers,
    mintedNet: formatAcu(r.mintedNet),
    held: formatAcu(r.held),
    total: formatAcu(r.total),
    differences: r.differences.map((d) => ({ account: d.account, stored: formatAcu(d.stored), rebuilt: formatAcu(d.rebuilt) })),
    unbalancedTransfers: r.unbalancedTransfers.map((t) => ({ transferId: t.transferId, sum: formatAcu(t.sum) })),
    negative: r.negative.map((n) => ({ account: n.account, balance: formatAcu(n.balance) })),
    unverified: r.unverified,
    cleared: r.cleared,
    durationMs: r.durationMs,
  };
}
