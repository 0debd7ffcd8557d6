/**
 * The conservation checker: scans the ledger, checks the invariants, and re-scans a few
 * times before reporting so that transfers in flight during a scan are not mistaken for
 * violations. A difference that survives every re-scan is real.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Runtime } from '../platform/runtime.ts';
import { formatAcu } from '../platform/money.ts';
import { checkSnapshot, type CheckReport } from './domain/conservation.ts';
import { readSnapshot } from './store/snapshot.ts';

export interface CheckOptions {
  /** Scans in all, the first included. */
  scans?: number;
  pauseMs?: number;
}

export async function checkLedger(doc: DynamoDBDocumentClient, table: string, opts: CheckOptions = {}): Promise<CheckReport & { scans: number; durationMs: number }> {
  const scans = opts.scans ?? 3;
  const started = performance.now();
  let report = checkSnapshot(await readSnapshot(doc, table));
  let done = 1;
  while (!report.ok && done < scans) {
    await new Promise((r) => setTimeout(r, opts.pauseMs ?? 250));
    report = checkSnapshot(await readSnapshot(doc, table));
    done++;
  }
  return { ...report, scans: done, durationMs: Math.round(performance.now() - started) };
}

export const checkRuntimeLedger = (rt: Runtime, opts?: CheckOptions) => checkLedger(rt.doc, rt.table('ledger'), opts);

/** The report as JSON (amounts as ACU decimal strings). */
export function reportJson(r: CheckReport & { scans: number; durationMs: number }) {
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
    scans: r.scans,
    durationMs: r.durationMs,
  };
}
