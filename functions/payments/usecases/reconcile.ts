/**
 * Ledger ↔ chain reconciliation by windows (domain/reconcile-window.ts): each run finishes what
 * the last one left (its closing marks), then walks the blocks after the checkpoint up to the
 * head less the confirmations, one window (≤ VRACU_CHAIN_RECONCILE_WINDOW blocks, halved while it
 * would match more than VRACU_CHAIN_RECONCILE_MAX_MATCHES records) and one checkpoint at a time,
 * against the records still open. The first window ever reads every
 * record the table holds (a scan), so sends from before the open set existed are matched too.
 * The answer is the last window's report: every difference still open and the all-time
 * parities. Run hourly and by `vracu payments reconcile`.
 */
import type { MicroAcu } from '../../platform/money.ts';
import type { PaymentsDeps } from '../deps.ts';
import type { Payment } from '../domain/payment.ts';
import type { Payout } from '../domain/payout.ts';
import type { LedgerCredit, LedgerPayout, ReconcileReport } from '../domain/reconcile.ts';
import { firstCheckpoint, reconcileWindow, type Dated, type ReconcileCheckpoint } from '../domain/reconcile-window.ts';
import { paymentsError } from '../errors.ts';
import { chainRecords, checkpointOf, openChainRecords } from '../store/reads.ts';
import { checkpointWritten, recordsClosed, recordsOpened } from '../store/writes.ts';

export type ReconcileOutcome =
  | { chain: false }
  | ({
      chain: true;
      /** The wallet's address: the one conversions and payouts are sent from. */
      wallet: string;
      /** The blocks this run read (`toBlock` < `fromBlock`: nothing new since the last run). */
      fromBlock: number;
      toBlock: number;
      head: number;
      windows: number;
      /** Logs no record has matched yet, carried to the next run. */
      openLogs: number;
    } & ReconcileReport);

/** A record the ledger says went on chain, as the domain reads it; null: nothing went (a refused conversion, a failed payout). */
function asCredit(p: Payment): Dated<LedgerCredit> | null {
  if (p.conversionFailure !== undefined) return null;
  return {
    creditId: p.paymentId,
    principal: p.principal,
    microAcu: p.microAcu as MicroAcu,
    ...(p.conversionTx ? { txHash: p.conversionTx } : {}),
    ...(p.conversionBlock !== undefined ? { block: p.conversionBlock } : {}),
  };
}

function asPayout(p: Payout): Dated<LedgerPayout> | null {
  if (!(p.status === 'PAID' || (p.status === 'PENDING' && p.attemptedAt !== undefined))) return null;
  return {
    payoutId: p.payoutId,
    provider: p.provider,
    microAcu: p.microAcu,
    wallet: p.destination,
    ...(p.status === 'PAID' && p.reference ? { txHash: p.reference } : {}),
    ...(p.chainBlock !== undefined ? { block: p.chainBlock } : {}),
  };
}

/** The first window's records: every chain record in the table, each put in the open set (sends from before the set existed). */
async function firstRecords(d: PaymentsDeps): Promise<{ payments: Payment[]; payouts: Payout[] }> {
  const all = await chainRecords(d.store);
  const open = { payments: all.payments.filter((p) => p.reconciledBlock === undefined), payouts: all.payouts.filter((p) => p.reconciledBlock === undefined) };
  await recordsOpened(d.store, { credits: open.payments.map((p) => p.paymentId), payouts: open.payouts.map((p) => p.payoutId) });
  return open;
}

export async function reconcileChain(d: PaymentsDeps): Promise<ReconcileOutcome> {
  if (!d.wallet) return { chain: false };
  const wallet = await d.wallet();
  let cp: ReconcileCheckpoint = (await checkpointOf(d.store)) ?? firstCheckpoint(d.cfg.chainFromBlock);
  // A run that died after its checkpoint and before closing its records: close them now.
  await recordsClosed(d.store, cp.closing, cp.toBlock);
  const fromBlock = cp.toBlock + 1;
  // Read once per run, records before the head: whatever they say was mined is mined at or below it.
  const records = await (cp.version === 0 ? firstRecords(d) : openChainRecords(d.store));
  const head = await wallet.blockNumber();
  const safe = head - d.cfg.reconcile.confirmations;
  // Refused conversions and failed payouts leave the open set: nothing of theirs is on chain.
  await recordsClosed(
    d.store,
    {
      credits: records.payments.filter((p) => asCredit(p) === null).map((p) => p.paymentId),
      payouts: records.payouts.filter((p) => p.status === 'FAILED').map((p) => p.payoutId),
    },
    cp.toBlock,
  );
  // What earlier windows closed (the index may still list the last run's).
  const closed = new Set([...cp.closing.credits, ...cp.closing.payouts]);
  let windows = 0;
  let report: ReconcileReport | undefined;
  do {
    const credits = records.payments.filter((p) => !closed.has(p.paymentId)).flatMap((p) => asCredit(p) ?? []);
    const payouts = records.payouts.filter((p) => !closed.has(p.payoutId)).flatMap((p) => asPayout(p) ?? []);
    let toBlock = Math.max(cp.toBlock, Math.min(safe, cp.toBlock + d.cfg.reconcile.windowBlocks));
    let w: ReturnType<typeof reconcileWindow>;
    for (;;) {
      const range = { fromBlock: cp.toBlock + 1, toBlock };
      const [conversions, payoutTransfers] =
        range.toBlock >= range.fromBlock ? await Promise.all([wallet.conversions(range), wallet.payoutTransfers(range)]) : [[], []];
      w = reconcileWindow(cp, { acuDecimals: wallet.acuDecimals, toBlock, conversions, payoutTransfers, credits, payouts });
      const matches = w.next.closing.credits.length + w.next.closing.payouts.length;
      // Too many for one checkpoint item: the same start, half the blocks (a single block is taken whole).
      if (matches <= d.cfg.reconcile.maxMatches || toBlock <= cp.toBlock + 1) break;
      toBlock = cp.toBlock + Math.floor((toBlock - cp.toBlock) / 2);
    }
    if (!(await checkpointWritten(d.store, w.next))) throw paymentsError('reconcile_busy', 'another reconciliation moved the checkpoint first; run it again');
    await recordsClosed(d.store, w.next.closing, toBlock);
    for (const id of [...w.next.closing.credits, ...w.next.closing.payouts]) closed.add(id);
    cp = w.next;
    report = w.report;
    windows += 1;
  } while (cp.toBlock < safe);
  return {
    chain: true,
    wallet: wallet.address,
    fromBlock,
    toBlock: cp.toBlock,
    head,
    windows,
    openLogs: cp.openConversions.length + cp.openTransfers.length,
    ...report,
  };
}
