/**
 * Reconciliation by windows, pure: each run reads only the blocks after the last checkpoint and
 * the records not yet matched, instead of the whole chain and every record since the start.
 *
 * A checkpoint carries what a full run would still need: the block read up to, the logs no
 * record has matched yet (a conversion whose hash reached the ledger late is matched in a later
 * window), the totals of everything already matched (so the parities stay all-time), and the ids
 * this window matched, which the store then closes on their records (a run that died between
 * the checkpoint and those writes is finished by the next one, before it reads).
 *
 * A hash is matched, and leaves the window, when it has records and logs and no difference
 * (domain/reconcile.ts's rules). Everything else stays: unmatched records stay open in the
 * store, unmatched logs in the checkpoint, and each is reported again by every run until it
 * matches. Records whose transaction was mined after the window's last block are left for a
 * later window, not reported. Equivalence: over the same records and logs, the differences and
 * parities of the last window equal those of one full run (test/unit/payments/reconcile-window.test.ts),
 * except across windows: a second record claiming a hash an earlier window matched is
 * `missing_on_chain`, not `duplicate`.
 */
import type { MicroAcu } from '../../platform/money.ts';
import {
  reconcile,
  type ConversionEvent,
  type Difference,
  type LedgerCredit,
  type LedgerPayout,
  type Parity,
  type ReconcileReport,
  type TransferEvent,
} from './reconcile.ts';
import { baseUnitsToMicroAcu, microAcuToBaseUnits, type BaseUnits } from './units.ts';

export interface MatchedTotals {
  ledgerMicroAcu: MicroAcu;
  chainBaseUnits: BaseUnits;
}

export interface ReconcileCheckpoint {
  /** The last block read; `fromBlock - 1` before the first window. */
  toBlock: number;
  /** Bumped by each window; its write is conditional on the previous one. */
  version: number;
  openConversions: ConversionEvent[];
  openTransfers: TransferEvent[];
  matched: { mint: MatchedTotals; payout: MatchedTotals };
  /** What this window matched, to be closed on the records. */
  closing: { credits: string[]; payouts: string[] };
}

export const firstCheckpoint = (fromBlock: number): ReconcileCheckpoint => ({
  toBlock: fromBlock - 1,
  version: 0,
  openConversions: [],
  openTransfers: [],
  matched: {
    mint: { ledgerMicroAcu: 0n as MicroAcu, chainBaseUnits: 0n as BaseUnits },
    payout: { ledgerMicroAcu: 0n as MicroAcu, chainBaseUnits: 0n as BaseUnits },
  },
  closing: { credits: [], payouts: [] },
});

/** An open record with the block its transaction was mined in, when known. */
export type Dated<T> = T & { block?: number };

export interface WindowInput {
  acuDecimals: number;
  /** The window's last block (inclusive); its first is `checkpoint.toBlock + 1`. */
  toBlock: number;
  /** The logs of the window's blocks. */
  conversions: readonly ConversionEvent[];
  payoutTransfers: readonly TransferEvent[];
  /** The records not yet matched. */
  credits: readonly Dated<LedgerCredit>[];
  payouts: readonly Dated<LedgerPayout>[];
}

export interface WindowResult {
  /** As a full run up to `toBlock` would report it. */
  report: ReconcileReport;
  next: ReconcileCheckpoint;
}

const norm = (hex: string): string => hex.toLowerCase();
const logKey = (l: { txHash: string; logIndex: number }) => `${norm(l.txHash)}#${l.logIndex}`;

function unique<L extends { txHash: string; logIndex: number }>(logs: readonly L[]): L[] {
  const seen = new Map<string, L>();
  for (const l of logs) if (!seen.has(logKey(l))) seen.set(logKey(l), l);
  return [...seen.values()];
}

/** Hashes a difference names, per record kind: those hashes are not matched. */
function troubled(differences: readonly Difference[], record: 'credit' | 'payout'): Set<string> {
  const out = new Set<string>();
  for (const d of differences) {
    if (d.record !== record) continue;
    if (d.kind === 'missing_in_ledger') out.add(norm(d.log.txHash));
    else if (d.kind === 'duplicate' && d.by === 'tx_hash') out.add(norm(d.key));
    else if ('txHash' in d && d.txHash) out.add(norm(d.txHash));
  }
  return out;
}

function split<R extends { txHash?: string; microAcu: MicroAcu }, L extends { txHash: string; logIndex: number }>(
  recs: readonly R[],
  logs: readonly L[],
  bad: Set<string>,
  amount: (l: L) => BaseUnits,
): { matched: R[]; openLogs: L[]; totals: MatchedTotals } {
  const logHashes = new Set(logs.map((l) => norm(l.txHash)));
  const matched = recs.filter((r) => r.txHash && logHashes.has(norm(r.txHash)) && !bad.has(norm(r.txHash)));
  const done = new Set(matched.map((r) => norm(r.txHash!)));
  const openLogs = logs.filter((l) => !done.has(norm(l.txHash)));
  const chain = logs.filter((l) => done.has(norm(l.txHash))).reduce((a, l) => a + amount(l), 0n);
  return { matched, openLogs, totals: { ledgerMicroAcu: matched.reduce((a, r) => a + r.microAcu, 0n) as MicroAcu, chainBaseUnits: chain as BaseUnits } };
}

function plus(p: Parity, m: MatchedTotals, decimals: number): Parity {
  const ledgerMicroAcu = (p.ledgerMicroAcu + m.ledgerMicroAcu) as MicroAcu;
  const ledgerBaseUnits = microAcuToBaseUnits(ledgerMicroAcu, decimals);
  const chainBaseUnits = (p.chainBaseUnits + m.chainBaseUnits) as BaseUnits;
  return {
    ledgerMicroAcu,
    ledgerBaseUnits,
    chainBaseUnits,
    chainMicroAcu: baseUnitsToMicroAcu(chainBaseUnits, decimals).microAcu,
    ok: ledgerBaseUnits === chainBaseUnits,
  };
}

const add = (a: MatchedTotals, b: MatchedTotals): MatchedTotals => ({
  ledgerMicroAcu: (a.ledgerMicroAcu + b.ledgerMicroAcu) as MicroAcu,
  chainBaseUnits: (a.chainBaseUnits + b.chainBaseUnits) as BaseUnits,
});

export function reconcileWindow(cp: ReconcileCheckpoint, input: WindowInput): WindowResult {
  if (input.toBlock < cp.toBlock) throw new RangeError(`a window cannot end (${input.toBlock}) before its checkpoint (${cp.toBlock})`);
  const d = input.acuDecimals;
  const inWindow = <T extends { block?: number }>(r: T) => r.block === undefined || r.block <= input.toBlock;
  const credits = input.credits.filter(inWindow);
  const payouts = input.payouts.filter(inWindow);
  const conversions = unique([...cp.openConversions, ...input.conversions]);
  const payoutTransfers = unique([...cp.openTransfers, ...input.payoutTransfers]);
  const r = reconcile({ acuDecimals: d, conversions, payoutTransfers, credits, payouts });

  const mint = split(credits, conversions, troubled(r.differences, 'credit'), (l) => l.acuBaseUnits);
  const pay = split(payouts, payoutTransfers, troubled(r.differences, 'payout'), (l) => l.baseUnits);
  const mintParity = plus(r.mintParity, cp.matched.mint, d);
  const payoutParity = plus(r.payoutParity, cp.matched.payout, d);
  return {
    report: { ok: r.differences.length === 0 && mintParity.ok && payoutParity.ok, differences: r.differences, mintParity, payoutParity },
    next: {
      toBlock: input.toBlock,
      version: cp.version + 1,
      openConversions: mint.openLogs,
      openTransfers: pay.openLogs,
      matched: { mint: add(cp.matched.mint, mint.totals), payout: add(cp.matched.payout, pay.totals) },
      closing: { credits: mint.matched.map((c) => c.creditId), payouts: pay.matched.map((p) => p.payoutId) },
    },
  };
}
