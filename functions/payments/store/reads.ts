/** The payments table's reads. */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { queryAll } from '../../platform/dynamo/query.ts';
import type { Payment } from '../domain/payment.ts';
import type { Payout } from '../domain/payout.ts';
import type { ReconcileCheckpoint } from '../domain/reconcile-window.ts';
import { toCheckpoint, toPayment, toPayout } from './codec.ts';
import {
  checkoutIdemKey,
  intentKey,
  payeeGsi,
  payerGsi,
  paymentKey,
  payoutIdemKey,
  payoutKey,
  PRINCIPAL_GSI,
  RECONCILE_GSI,
  RECONCILE_OPEN,
  reconcileCheckpointKey,
} from './keys.ts';

async function get(s: StoreCtx, key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  return (await s.doc.send(new GetCommand({ TableName: s.table, Key: key, ConsistentRead: true }))).Item;
}

export async function paymentOf(s: StoreCtx, paymentId: string): Promise<Payment | null> {
  const it = await get(s, paymentKey(paymentId));
  return it ? toPayment(it) : null;
}

export async function intentOf(s: StoreCtx, pi: string): Promise<{ paymentId: string; principal: string } | null> {
  const it = await get(s, intentKey(pi));
  return it ? { paymentId: String(it.paymentId), principal: String(it.principal) } : null;
}

export async function checkoutIdemOf(s: StoreCtx, principal: string, key: string): Promise<{ paymentId: string; requestHash: string } | null> {
  const it = await get(s, checkoutIdemKey(principal, key));
  return it ? { paymentId: String(it.paymentId), requestHash: String(it.requestHash) } : null;
}

export async function payoutIdemOf(s: StoreCtx, provider: string, key: string): Promise<{ payoutId: string; requestHash: string } | null> {
  const it = await get(s, payoutIdemKey(provider, key));
  return it ? { payoutId: String(it.payoutId), requestHash: String(it.requestHash) } : null;
}

export async function payoutOf(s: StoreCtx, payoutId: string): Promise<Payout | null> {
  const it = await get(s, payoutKey(payoutId));
  return it ? toPayout(it) : null;
}

/** A principal's payments, newest first. */
export async function paymentsOf(s: StoreCtx, principal: string, max = 100): Promise<Payment[]> {
  const items = await queryAll(
    s.doc,
    {
      TableName: s.table,
      IndexName: PRINCIPAL_GSI,
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': payerGsi(principal) },
      ScanIndexForward: false,
    },
    max,
  );
  return items.map(toPayment);
}

/** A provider's payouts, newest first. */
export async function payoutsOf(s: StoreCtx, provider: string, max = 100): Promise<Payout[]> {
  const items = await queryAll(
    s.doc,
    {
      TableName: s.table,
      IndexName: PRINCIPAL_GSI,
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': payeeGsi(provider) },
      ScanIndexForward: false,
    },
    max,
  );
  return items.map(toPayout);
}

/**
 * Everything the ledger says went on chain: payments whose conversion was sent, and chain
 * payouts. A scan: only reconciliation's first window reads it (records sent before the open
 * set existed are in it too); later windows read openChainRecords.
 */
export async function chainRecords(s: StoreCtx): Promise<{ payments: Payment[]; payouts: Payout[] }> {
  const payments: Payment[] = [];
  const payouts: Payout[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await s.doc.send(
      new ScanCommand({
        TableName: s.table,
        ConsistentRead: true,
        FilterExpression: '(#k = :pay AND attribute_exists(conversionAttemptedAt)) OR (#k = :po AND #r = :chain)',
        ExpressionAttributeNames: { '#k': 'kind', '#r': 'rail' },
        ExpressionAttributeValues: { ':pay': 'payment', ':po': 'payout', ':chain': 'chain' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const it of page.Items ?? []) it.kind === 'payment' ? payments.push(toPayment(it)) : payouts.push(toPayout(it));
    start = page.LastEvaluatedKey;
  } while (start);
  return { payments, payouts };
}

/**
 * The payments and payouts sent on chain and not yet matched (the sparse reconcile index).
 * The index is eventually consistent: a send marked a moment ago may be missing (its log then
 * waits in the checkpoint for the next run), and one just closed may still be listed, which is
 * why the caller drops the ids its checkpoint says it closed.
 */
export async function openChainRecords(s: StoreCtx): Promise<{ payments: Payment[]; payouts: Payout[] }> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    IndexName: RECONCILE_GSI,
    KeyConditionExpression: 'gsi2pk = :o',
    ExpressionAttributeValues: { ':o': RECONCILE_OPEN },
  });
  const open = items.filter((it) => it.reconciledBlock === undefined);
  return { payments: open.filter((it) => it.kind === 'payment').map(toPayment), payouts: open.filter((it) => it.kind === 'payout').map(toPayout) };
}

export async function checkpointOf(s: StoreCtx): Promise<ReconcileCheckpoint | null> {
  const it = await get(s, reconcileCheckpointKey);
  return it ? toCheckpoint(it) : null;
}
