/**
 * Ledger ↔ chain reconciliation, pure. The chain side is what the router and the ACU token
 * logged (ConversionExecuted, and the wallet's outgoing Transfers, which are its payouts); the
 * ledger side is its credits minted on chain and its payouts paid on chain, each carrying the
 * hash of the transaction that did it. Records and logs are matched by transaction hash, because
 * the contract's event names no credit: a conversion whose hash never reached the ledger (the
 * process died between sending and recording) shows up here as missing in the ledger.
 *
 * Amounts are compared in token base units, exactly; µACU in the report are FLOOR (units.ts).
 *
 * Rules, per transaction hash, all reported (one hash can break several at once):
 *  - two or more records carry it → `duplicate` (side ledger);
 *  - two or more logs carry it → `duplicate` (side chain): one transaction, one conversion;
 *  - no log → each record is `missing_on_chain`; no record → each log is `missing_in_ledger`;
 *  - both → the records' total against the logs' total: `amount_mismatch` when they differ;
 *    a payout with one log whose `to` is not the payout's wallet → `recipient_mismatch`.
 * Before that: a record id seen twice is a `duplicate` by id and only its first copy
 * is matched; a record with no hash is `missing_on_chain`; the same log (hash and log index)
 * read twice, as overlapping block ranges do, is one log and no difference.
 * Differences come credits first, then payouts; within each: duplicate ids, then one hash after
 * another in hex order, then records with no hash by id, so the report does not depend on the
 * order of the inputs (except which copy of a duplicated id is matched: the first given).
 * Parity: the chain's total equals the ledger's total, per kind (mints, payouts), over the
 * de-duplicated records and logs.
 */
import type { MicroAcu } from '../../platform/money.ts';
import { baseUnitsToMicroAcu, microAcuToBaseUnits, type BaseUnits } from './units.ts';

/** A ConversionExecuted log of ConversionRouter. */
export interface ConversionEvent {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  operator: string;
  recipient: string;
  acuBaseUnits: BaseUnits;
  avlBurnedBaseUnits: BaseUnits;
}

/** An ACU Transfer log out of the exchange's wallet: an on-chain payout. */
export interface TransferEvent {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  from: string;
  to: string;
  baseUnits: BaseUnits;
}

/** A ledger credit the ledger says was minted on chain. */
export interface LedgerCredit {
  creditId: string;
  principal: string;
  microAcu: MicroAcu;
  txHash?: string;
}

/** A ledger payout the ledger says was paid on chain. `wallet`, when known, is the address it went to. */
export interface LedgerPayout {
  payoutId: string;
  provider: string;
  microAcu: MicroAcu;
  txHash?: string;
  wallet?: string;
}

export interface ReconcileInput {
  /** ACU token decimals (18 for the mock and most ERC-20s). */
  acuDecimals: number;
  conversions: readonly ConversionEvent[];
  payoutTransfers: readonly TransferEvent[];
  credits: readonly LedgerCredit[];
  payouts: readonly LedgerPayout[];
}

export type RecordKind = 'credit' | 'payout';

/** A log as it appears in a difference: its place on chain and its amount. */
export interface LogRef {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  baseUnits: BaseUnits;
  /** FLOOR of baseUnits. */
  microAcu: MicroAcu;
}

export type Difference =
  | { kind: 'missing_on_chain'; record: RecordKind; id: string; txHash?: string; microAcu: MicroAcu }
  | { kind: 'missing_in_ledger'; record: RecordKind; log: LogRef }
  | { kind: 'amount_mismatch'; record: RecordKind; txHash: string; ids: string[]; ledgerMicroAcu: MicroAcu; chainBaseUnits: BaseUnits; chainMicroAcu: MicroAcu }
  | { kind: 'duplicate'; record: RecordKind; side: 'ledger'; by: 'id'; key: string; copies: number }
  | { kind: 'duplicate'; record: RecordKind; side: 'ledger' | 'chain'; by: 'tx_hash'; key: string; ids: string[] }
  | { kind: 'recipient_mismatch'; record: 'payout'; id: string; txHash: string; ledgerWallet: string; chainTo: string };

export interface Parity {
  ledgerMicroAcu: MicroAcu;
  ledgerBaseUnits: BaseUnits;
  chainBaseUnits: BaseUnits;
  /** FLOOR of chainBaseUnits. */
  chainMicroAcu: MicroAcu;
  ok: boolean;
}

export interface ReconcileReport {
  /** No difference and both parities hold. */
  ok: boolean;
  differences: Difference[];
  /** ACU minted on chain (ConversionExecuted) against the ledger's on-chain mint total. */
  mintParity: Parity;
  /** ACU paid out on chain against the ledger's on-chain payout total. */
  payoutParity: Parity;
}

interface Rec {
  id: string;
  microAcu: MicroAcu;
  txHash?: string;
  wallet?: string;
}

interface Log {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  baseUnits: BaseUnits;
  to?: string;
}

const norm = (hex: string): string => hex.toLowerCase();
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

export function reconcile(input: ReconcileInput): ReconcileReport {
  const d = input.acuDecimals;
  const credits = input.credits.map((c): Rec => ({ id: c.creditId, microAcu: c.microAcu, ...(c.txHash ? { txHash: c.txHash } : {}) }));
  const payouts = input.payouts.map(
    (p): Rec => ({ id: p.payoutId, microAcu: p.microAcu, ...(p.txHash ? { txHash: p.txHash } : {}), ...(p.wallet ? { wallet: p.wallet } : {}) }),
  );
  const conversionLogs = input.conversions.map((e): Log => ({ txHash: e.txHash, logIndex: e.logIndex, blockNumber: e.blockNumber, baseUnits: e.acuBaseUnits }));
  const transferLogs = input.payoutTransfers.map(
    (e): Log => ({ txHash: e.txHash, logIndex: e.logIndex, blockNumber: e.blockNumber, baseUnits: e.baseUnits, to: e.to }),
  );
  const mint = side('credit', credits, conversionLogs, d);
  const pay = side('payout', payouts, transferLogs, d);
  const differences = [...mint.differences, ...pay.differences];
  return { ok: differences.length === 0 && mint.parity.ok && pay.parity.ok, differences, mintParity: mint.parity, payoutParity: pay.parity };
}

function side(record: RecordKind, recs: readonly Rec[], logs: readonly Log[], decimals: number): { differences: Difference[]; parity: Parity } {
  const differences: Difference[] = [];

  // One copy of each record id; a second copy is a difference, not a second amount.
  const byId = new Map<string, Rec[]>();
  for (const r of recs) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  const unique = [...byId.values()].map((copies) => copies[0]!);
  for (const [id, copies] of [...byId].sort(([a], [b]) => cmp(a, b))) {
    if (copies.length > 1) differences.push({ kind: 'duplicate', record, side: 'ledger', by: 'id', key: id, copies: copies.length });
  }

  // One copy of each log: the same (hash, index) read twice is the reader's overlap.
  const seen = new Map<string, Log>();
  for (const l of logs) {
    const key = `${norm(l.txHash)}#${l.logIndex}`;
    if (!seen.has(key)) seen.set(key, l);
  }
  const uniqueLogs = [...seen.values()];

  const recsByTx = new Map<string, Rec[]>();
  for (const r of unique) if (r.txHash) recsByTx.set(norm(r.txHash), [...(recsByTx.get(norm(r.txHash)) ?? []), r]);
  const logsByTx = new Map<string, Log[]>();
  for (const l of uniqueLogs) logsByTx.set(norm(l.txHash), [...(logsByTx.get(norm(l.txHash)) ?? []), l]);

  for (const tx of [...new Set([...recsByTx.keys(), ...logsByTx.keys()])].sort(cmp)) {
    const rs = [...(recsByTx.get(tx) ?? [])].sort((a, b) => cmp(a.id, b.id));
    const ls = [...(logsByTx.get(tx) ?? [])].sort((a, b) => a.logIndex - b.logIndex);
    if (rs.length > 1) differences.push({ kind: 'duplicate', record, side: 'ledger', by: 'tx_hash', key: tx, ids: rs.map((r) => r.id) });
    if (ls.length > 1) differences.push({ kind: 'duplicate', record, side: 'chain', by: 'tx_hash', key: tx, ids: ls.map((l) => `${tx}#${l.logIndex}`) });
    if (ls.length === 0) {
      for (const r of rs) differences.push({ kind: 'missing_on_chain', record, id: r.id, txHash: tx, microAcu: r.microAcu });
      continue;
    }
    if (rs.length === 0) {
      for (const l of ls) differences.push({ kind: 'missing_in_ledger', record, log: logRef(l, decimals) });
      continue;
    }
    const ledgerMicroAcu = sum(rs.map((r) => r.microAcu));
    const chainBaseUnits = sum(ls.map((l) => l.baseUnits));
    if (microAcuToBaseUnits(ledgerMicroAcu, decimals) !== chainBaseUnits) {
      const chainMicroAcu = baseUnitsToMicroAcu(chainBaseUnits, decimals).microAcu;
      differences.push({ kind: 'amount_mismatch', record, txHash: tx, ids: rs.map((r) => r.id), ledgerMicroAcu, chainBaseUnits, chainMicroAcu });
    }
    const [r] = rs;
    const [l] = ls;
    if (record === 'payout' && rs.length === 1 && ls.length === 1 && r!.wallet && l!.to && norm(r!.wallet) !== norm(l!.to)) {
      differences.push({ kind: 'recipient_mismatch', record, id: r!.id, txHash: tx, ledgerWallet: r!.wallet, chainTo: l!.to });
    }
  }

  for (const r of unique.filter((x) => !x.txHash).sort((a, b) => cmp(a.id, b.id))) {
    differences.push({ kind: 'missing_on_chain', record, id: r.id, microAcu: r.microAcu });
  }

  const ledgerMicroAcu = sum(unique.map((r) => r.microAcu));
  const ledgerBaseUnits = microAcuToBaseUnits(ledgerMicroAcu, decimals);
  const chainBaseUnits = sum(uniqueLogs.map((l) => l.baseUnits));
  const chainMicroAcu = baseUnitsToMicroAcu(chainBaseUnits, decimals).microAcu;
  return { differences, parity: { ledgerMicroAcu, ledgerBaseUnits, chainBaseUnits, chainMicroAcu, ok: ledgerBaseUnits === chainBaseUnits } };
}

function logRef(l: Log, decimals: number): LogRef {
  const microAcu = baseUnitsToMicroAcu(l.baseUnits, decimals).microAcu;
  return { txHash: norm(l.txHash), logIndex: l.logIndex, blockNumber: l.blockNumber, baseUnits: l.baseUnits, microAcu };
}
