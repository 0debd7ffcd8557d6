/**
 * Ledger ↔ chain reconciliation (domain/reconcile.ts) over what this deployment recorded:
 * payments whose conversion was sent, and chain payouts, against the router's
 * ConversionExecuted logs and the wallet's ACU Transfers from the configured first block to
 * the chain's head. Run hourly and by `vracu payments reconcile`.
 */
import type { MicroAcu } from '../../platform/money.ts';
import type { PaymentsDeps } from '../deps.ts';
import { reconcile, type LedgerCredit, type LedgerPayout, type ReconcileReport } from '../domain/reconcile.ts';
import { chainRecords } from '../store/reads.ts';

export type ReconcileOutcome = { chain: false } | ({ chain: true; fromBlock: number; toBlock: number } & ReconcileReport);

export async function reconcileChain(d: PaymentsDeps, fromBlock = d.cfg.chainFromBlock): Promise<ReconcileOutcome> {
  if (!d.wallet) return { chain: false };
  const wallet = await d.wallet();
  const toBlock = await wallet.blockNumber();
  const range = { fromBlock, toBlock };
  const [conversions, payoutTransfers, records] = await Promise.all([wallet.conversions(range), wallet.payoutTransfers(range), chainRecords(d.store)]);
  const credits: LedgerCredit[] = records.payments
    // A conversion the chain refused put nothing on chain.
    .filter((p) => p.conversionFailure === undefined)
    .map((p) => ({ creditId: p.paymentId, principal: p.principal, microAcu: p.microAcu as MicroAcu, ...(p.conversionTx ? { txHash: p.conversionTx } : {}) }));
  const payouts: LedgerPayout[] = records.payouts
    .filter((p) => p.status === 'PAID' || (p.status === 'PENDING' && p.attemptedAt !== undefined))
    .map((p) => ({
      payoutId: p.payoutId,
      provider: p.provider,
      microAcu: p.microAcu,
      wallet: p.destination,
      ...(p.status === 'PAID' && p.reference ? { txHash: p.reference } : {}),
    }));
  return { chain: true, fromBlock, toBlock, ...reconcile({ acuDecimals: wallet.acuDecimals, conversions, payoutTransfers, credits, payouts }) };
}
