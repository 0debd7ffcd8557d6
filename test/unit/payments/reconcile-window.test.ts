/**
 * Reconciliation by windows against one full run: for generated histories (conversions and
 * payouts, some never recorded, some recorded without a hash, some with the wrong amount or
 * recipient, duplicated records and logs, stray logs) cut into random windows, the last
 * window's differences and parities equal the full run's, every matched record is closed
 * exactly once, and nothing matched stays open.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcile, type ConversionEvent, type LedgerCredit, type LedgerPayout, type TransferEvent } from '../../../functions/payments/domain/reconcile.ts';
import { firstCheckpoint, reconcileWindow, type Dated, type ReconcileCheckpoint } from '../../../functions/payments/domain/reconcile-window.ts';
import type { MicroAcu } from '../../../functions/platform/money.ts';

const SEED = Number(process.env.FC_SEED ?? 8785);
console.log(`reconcile-window property seed: ${SEED} (FC_SEED=<n> to replay)`);

const E12 = 10n ** 12n;
const WALLET = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const TO = ['0x15d34aaf54267db7d7c367839aaf71a00a2c6a65', '0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc'];
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

interface History {
  conversions: ConversionEvent[];
  transfers: TransferEvent[];
  credits: Dated<LedgerCredit>[];
  payouts: Dated<LedgerPayout>[];
  lastBlock: number;
}

/** One transaction's fate, as the generator draws it. */
const Tx = fc.record({
  kind: fc.constantFrom('credit' as const, 'payout' as const),
  block: fc.integer({ min: 10, max: 60 }),
  micro: fc.bigInt({ min: 1n, max: 50_000_000n }),
  fate: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'no_record', 'no_hash', 'no_log', 'amount', 'recipient', 'dup_record', 'dup_log'),
});

function history(txs: { kind: 'credit' | 'payout'; block: number; micro: bigint; fate: string }[]): History {
  const h: History = { conversions: [], transfers: [], credits: [], payouts: [], lastBlock: 60 };
  txs.forEach((t, i) => {
    const txHash = hash(i + 1);
    const chainMicro = t.fate === 'amount' ? t.micro + 1n : t.micro;
    const logs = t.fate === 'no_log' || t.fate === 'no_hash' ? 0 : t.fate === 'dup_log' ? 2 : 1;
    for (let k = 0; k < logs; k++) {
      if (t.kind === 'credit')
        h.conversions.push({
          txHash,
          logIndex: k,
          blockNumber: t.block,
          operator: WALLET,
          recipient: WALLET,
          acuBaseUnits: chainMicro * E12,
          avlBurnedBaseUnits: chainMicro * E12,
        });
      else
        h.transfers.push({
          txHash,
          logIndex: k,
          blockNumber: t.block,
          from: WALLET,
          to: t.fate === 'recipient' ? TO[1]! : TO[0]!,
          baseUnits: chainMicro * E12,
        });
    }
    if (t.fate === 'no_record') return;
    const copies = t.fate === 'dup_record' ? 2 : 1;
    for (let k = 0; k < copies; k++) {
      const id = `${t.kind}_${i}_${k}`;
      const recorded = t.fate === 'no_hash' ? {} : { txHash, block: t.block };
      if (t.kind === 'credit') h.credits.push({ creditId: id, principal: 'prn_x', microAcu: t.micro as MicroAcu, ...recorded });
      else h.payouts.push({ payoutId: id, provider: 'prov_x', microAcu: t.micro as MicroAcu, wallet: TO[0]!, ...recorded });
    }
  });
  return h;
}

/** Runs the windows ending at `ends` (ascending, the last one the last block), as the use case does. */
function windows(h: History, ends: number[]) {
  let cp: ReconcileCheckpoint = firstCheckpoint(0);
  const closed = { credits: [] as string[], payouts: [] as string[] };
  let last;
  for (const end of ends) {
    const inRange = <L extends { blockNumber: number }>(ls: L[]) => ls.filter((l) => l.blockNumber > cp.toBlock && l.blockNumber <= end);
    const out = reconcileWindow(cp, {
      acuDecimals: 18,
      toBlock: end,
      conversions: inRange(h.conversions),
      payoutTransfers: inRange(h.transfers),
      credits: h.credits.filter((c) => !closed.credits.includes(c.creditId)),
      payouts: h.payouts.filter((p) => !closed.payouts.includes(p.payoutId)),
    });
    closed.credits.push(...out.next.closing.credits);
    closed.payouts.push(...out.next.closing.payouts);
    cp = out.next;
    last = out.report;
  }
  return { report: last!, closed, cp };
}

describe('reconciliation by windows equals one full run', () => {
  it('for every history and every cut into windows (seeded)', () => {
    fc.assert(
      fc.property(fc.array(Tx, { maxLength: 40 }), fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { maxLength: 8 }), (txs, cuts) => {
        const h = history(txs);
        const full = reconcile({ acuDecimals: 18, conversions: h.conversions, payoutTransfers: h.transfers, credits: h.credits, payouts: h.payouts });
        const { report, closed, cp } = windows(h, [...cuts.sort((a, b) => a - b), h.lastBlock]);
        expect(report).toEqual(full);
        // Closed exactly once; what was closed is exactly what had a log and no trouble.
        expect(new Set(closed.credits).size).toBe(closed.credits.length);
        // A credit's recipient is not checked (only a payout's is): for a credit that fate is a clean match.
        const ok = (i: number) => txs[i]!.fate === 'ok' || (txs[i]!.fate === 'recipient' && txs[i]!.kind === 'credit');
        const expected = (kind: 'credit' | 'payout') => txs.flatMap((t, i) => (t.kind === kind && ok(i) ? [`${kind}_${i}_0`] : [])).sort();
        expect([...closed.credits].sort()).toEqual(expected('credit'));
        expect([...closed.payouts].sort()).toEqual(expected('payout'));
        // The checkpoint keeps only logs nothing matched.
        expect(cp.openConversions.every((l) => !txs[Number.parseInt(l.txHash, 16) - 1] || !ok(Number.parseInt(l.txHash, 16) - 1))).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('a window', () => {
  const c = (n: number, micro: bigint, block: number): ConversionEvent => ({
    txHash: hash(n),
    logIndex: 0,
    blockNumber: block,
    operator: WALLET,
    recipient: WALLET,
    acuBaseUnits: micro * E12,
    avlBurnedBaseUnits: micro * E12,
  });

  it('matches a log of an earlier window once its record has the hash; the all-time parity holds', () => {
    const first = reconcileWindow(firstCheckpoint(0), {
      acuDecimals: 18,
      toBlock: 10,
      conversions: [c(1, 5n, 3), c(2, 7n, 4)],
      payoutTransfers: [],
      credits: [{ creditId: 'a', principal: 'p', microAcu: 5n as MicroAcu, txHash: hash(1), block: 3 }],
      payouts: [],
    });
    expect(first.report.differences).toEqual([expect.objectContaining({ kind: 'missing_in_ledger', log: expect.objectContaining({ txHash: hash(2) }) })]);
    expect(first.next.closing.credits).toEqual(['a']);
    expect(first.next.openConversions.map((l) => l.txHash)).toEqual([hash(2)]);
    // The hash of credit b reaches the ledger late; no new blocks.
    const second = reconcileWindow(first.next, {
      acuDecimals: 18,
      toBlock: 10,
      conversions: [],
      payoutTransfers: [],
      credits: [{ creditId: 'b', principal: 'p', microAcu: 7n as MicroAcu, txHash: hash(2), block: 4 }],
      payouts: [],
    });
    expect(second.report).toMatchObject({ ok: true, differences: [], mintParity: { ledgerMicroAcu: 12n, chainMicroAcu: 12n, ok: true } });
    expect(second.next).toMatchObject({ version: 2, openConversions: [], closing: { credits: ['b'] } });
  });

  it('leaves a record mined after its last block for a later window, unreported', () => {
    const cp = firstCheckpoint(0);
    const late = { creditId: 'z', principal: 'p', microAcu: 9n as MicroAcu, txHash: hash(9), block: 25 };
    const w = reconcileWindow(cp, { acuDecimals: 18, toBlock: 20, conversions: [], payoutTransfers: [], credits: [late], payouts: [] });
    expect(w.report).toMatchObject({ ok: true, differences: [] });
    expect(w.next.closing.credits).toEqual([]);
    expect(() => reconcileWindow(w.next, { acuDecimals: 18, toBlock: 19, conversions: [], payoutTransfers: [], credits: [], payouts: [] })).toThrow(RangeError);
  });
});
