/** Payments items ↔ domain values. Money is DynamoDB integers, read back as bigint. */
import { big } from '../../platform/dynamo/client.ts';
import type { Payment, PaymentSource, PaymentStatus } from '../domain/payment.ts';
import type { Payout, PayoutRail, PayoutStatus } from '../domain/payout.ts';
import type { ConversionEvent, TransferEvent } from '../domain/reconcile.ts';
import type { ReconcileCheckpoint } from '../domain/reconcile-window.ts';
import { payeeGsi, payerGsi, paymentKey, payoutKey } from './keys.ts';

type Item = Record<string, unknown>;
const opt = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function paymentItem(p: Payment): Item {
  return { ...paymentKey(p.paymentId), kind: 'payment', ...p, gsi1pk: payerGsi(p.principal), gsi1sk: `${p.createdAt}#${p.paymentId}` };
}

export function toPayment(it: Item): Payment {
  const refunds: Record<string, bigint> = {};
  for (const [k, v] of Object.entries((it.refunds as Record<string, unknown>) ?? {})) refunds[k] = big(v);
  const p: Payment = {
    paymentId: String(it.paymentId),
    principal: String(it.principal),
    source: it.source as PaymentSource,
    status: it.status as PaymentStatus,
    usdCents: big(it.usdCents),
    microAcu: big(it.microAcu),
    priceVersion: String(it.priceVersion),
    createdAt: String(it.createdAt),
    updatedAt: String(it.updatedAt),
    refundedCents: big(it.refundedCents ?? 0n),
    refundedMicroAcu: big(it.refundedMicroAcu ?? 0n),
    arrearsMicroAcu: big(it.arrearsMicroAcu ?? 0n),
    refunds,
  };
  for (const k of ['sessionId', 'checkoutUrl', 'paymentIntent', 'invoiceId', 'conversionAttemptedAt', 'conversionTx', 'conversionFailure'] as const) {
    const v = opt(it[k]);
    if (v !== undefined) p[k] = v;
  }
  for (const k of ['conversionBlock', 'reconciledBlock'] as const) if (it[k] !== undefined) p[k] = Number(big(it[k]));
  return p;
}

export function payoutItem(p: Payout): Item {
  return { ...payoutKey(p.payoutId), kind: 'payout', ...p, gsi1pk: payeeGsi(p.provider), gsi1sk: `${p.createdAt}#${p.payoutId}` };
}

export function toPayout(it: Item): Payout {
  const p: Payout = {
    payoutId: String(it.payoutId),
    provider: String(it.provider),
    rail: it.rail as PayoutRail,
    destination: String(it.destination),
    microAcu: big(it.microAcu),
    usdCents: big(it.usdCents ?? 0n),
    priceVersion: String(it.priceVersion),
    status: it.status as PayoutStatus,
    createdAt: String(it.createdAt),
    updatedAt: String(it.updatedAt),
  };
  const ref = opt(it.reference);
  if (ref !== undefined) p.reference = ref;
  const f = opt(it.failure);
  if (f !== undefined) p.failure = f;
  const a = opt(it.attemptedAt);
  if (a !== undefined) p.attemptedAt = a;
  for (const k of ['chainBlock', 'reconciledBlock'] as const) if (it[k] !== undefined) p[k] = Number(big(it[k]));
  return p;
}

/**
 * The checkpoint as an item: amounts as decimal strings (base units pass 2^53), the open logs
 * and the closing ids as one JSON attribute each (read and written whole, never queried).
 */
export function checkpointItem(cp: ReconcileCheckpoint): Item {
  const logs = { conversions: cp.openConversions, transfers: cp.openTransfers };
  return {
    kind: 'reconcile-checkpoint',
    toBlock: cp.toBlock,
    version: cp.version,
    openLogs: JSON.stringify(logs, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    matched: {
      mintLedgerMicroAcu: cp.matched.mint.ledgerMicroAcu.toString(),
      mintChainBaseUnits: cp.matched.mint.chainBaseUnits.toString(),
      payoutLedgerMicroAcu: cp.matched.payout.ledgerMicroAcu.toString(),
      payoutChainBaseUnits: cp.matched.payout.chainBaseUnits.toString(),
    },
    closing: JSON.stringify(cp.closing),
  };
}

export function toCheckpoint(it: Item): ReconcileCheckpoint {
  const logs = JSON.parse(String(it.openLogs)) as { conversions: Record<string, unknown>[]; transfers: Record<string, unknown>[] };
  const m = it.matched as Record<string, string>;
  return {
    toBlock: Number(it.toBlock),
    version: Number(it.version),
    openConversions: logs.conversions.map(
      (l) => ({ ...l, acuBaseUnits: BigInt(String(l.acuBaseUnits)), avlBurnedBaseUnits: BigInt(String(l.avlBurnedBaseUnits)) }) as ConversionEvent,
    ),
    openTransfers: logs.transfers.map((l) => ({ ...l, baseUnits: BigInt(String(l.baseUnits)) }) as TransferEvent),
    matched: {
      mint: { ledgerMicroAcu: BigInt(m.mintLedgerMicroAcu!), chainBaseUnits: BigInt(m.mintChainBaseUnits!) },
      payout: { ledgerMicroAcu: BigInt(m.payoutLedgerMicroAcu!), chainBaseUnits: BigInt(m.payoutChainBaseUnits!) },
    },
    closing: JSON.parse(String(it.closing)) as ReconcileCheckpoint['closing'],
  };
}
