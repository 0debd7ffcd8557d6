/**
 * The payments table's writes. Transitions are conditional on the state they leave, so a
 * redelivered message or a concurrent worker finds the guard failed and changes nothing.
 * Parts labelled for a transaction (with a ledger transfer) return a LabelledItem:
 *   payment:<id>   PENDING → MINTED, or MINTED → MINTED/REFUNDED from the refunded total read
 *   payout:<id>    written once; PENDING → PAID | FAILED
 *   payout-idem    a provider's Idempotency-Key, once
 *   payout-day     the day's total never above the limit
 */
import { PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { transactWrite, TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import type { Payment } from '../domain/payment.ts';
import type { Payout, PayoutStatus } from '../domain/payout.ts';
import { wrote } from '../../platform/dynamo/conditional.ts';
import type { ReconcileCheckpoint } from '../domain/reconcile-window.ts';
import { checkpointItem, paymentItem, payoutItem } from './codec.ts';
import { checkoutIdemKey, eventKey, intentKey, paymentKey, payoutDayKey, payoutIdemKey, payoutKey, RECONCILE_OPEN, reconcileCheckpointKey } from './keys.ts';

const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

const put = (s: StoreCtx, label: string, item: Record<string, unknown>): LabelledItem => ({
  label,
  item: { Put: { TableName: s.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
});

/**
 * A new payment, with its Idempotency-Key record when the buyer sent one. `false`: the key
 * was used already (the caller reads what it holds).
 */
export async function createPayment(s: StoreCtx, p: Payment, idem?: { key: string; requestHash: string }): Promise<boolean> {
  const items = [put(s, `payment:${p.paymentId}`, paymentItem(p))];
  if (idem) items.push(put(s, 'checkout-idem', { ...checkoutIdemKey(p.principal, idem.key), paymentId: p.paymentId, requestHash: idem.requestHash }));
  try {
    await transactWrite(s.doc, items);
    return true;
  } catch (err) {
    if (err instanceof TransactionCancelledError && err.failed('checkout-idem')) return false;
    throw err;
  }
}

/** A payment Stripe will not credit (an invoice's): written once, by whichever event comes first. */
export async function putPaymentOnce(s: StoreCtx, p: Payment): Promise<void> {
  try {
    await s.doc.send(new PutCommand({ TableName: s.table, Item: paymentItem(p), ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

export async function attachSession(s: StoreCtx, paymentId: string, session: { id: string; url: string }): Promise<void> {
  await s.doc.send(
    new UpdateCommand({
      TableName: s.table,
      Key: paymentKey(paymentId),
      UpdateExpression: 'SET sessionId = :id, checkoutUrl = :u',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':id': session.id, ':u': session.url },
    }),
  );
}

/** PENDING → MINTED, with the ledger's mint in the same transaction. */
export function paymentMinted(s: StoreCtx, paymentId: string, at: string, paymentIntent: string | null): LabelledItem {
  return {
    label: `payment:${paymentId}`,
    item: {
      Update: {
        TableName: s.table,
        Key: paymentKey(paymentId),
        UpdateExpression: `SET #s = :m, updatedAt = :at${paymentIntent ? ', paymentIntent = :pi' : ''}`,
        ConditionExpression: '#s = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':m': 'MINTED', ':p': 'PENDING', ':at': at, ...(paymentIntent ? { ':pi': paymentIntent } : {}) },
      },
    },
  };
}

/** PENDING → FAILED; false when the payment had left PENDING already (a credit won). */
export async function paymentFailed(s: StoreCtx, paymentId: string, at: string): Promise<boolean> {
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: paymentKey(paymentId),
        UpdateExpression: 'SET #s = :f, updatedAt = :at',
        ConditionExpression: '#s = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':f': 'FAILED', ':p': 'PENDING', ':at': at },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** The refunded total moves from what was read to `next`, in the transaction of its clawback. */
export function paymentRefunded(
  s: StoreCtx,
  p: Payment,
  next: { refundedCents: bigint; refundedMicroAcu: bigint; arrearsMicroAcu: bigint; refund: { id: string; cents: bigint } | null; at: string },
): LabelledItem {
  const full = next.refundedCents >= p.usdCents;
  return {
    label: `payment:${p.paymentId}`,
    item: {
      Update: {
        TableName: s.table,
        Key: paymentKey(p.paymentId),
        UpdateExpression: `SET #s = :s, refundedCents = :rc, refundedMicroAcu = :rm, arrearsMicroAcu = :ar, updatedAt = :at${next.refund ? ', refunds.#rid = :rcents' : ''}`,
        ConditionExpression: '#s = :minted AND refundedCents = :prev',
        ExpressionAttributeNames: { '#s': 'status', ...(next.refund ? { '#rid': next.refund.id } : {}) },
        ExpressionAttributeValues: {
          ':s': full ? 'REFUNDED' : 'MINTED',
          ':minted': 'MINTED',
          ':prev': p.refundedCents,
          ':rc': next.refundedCents,
          ':rm': next.refundedMicroAcu,
          ':ar': next.arrearsMicroAcu,
          ':at': next.at,
          ...(next.refund ? { ':rcents': next.refund.cents } : {}),
        },
      },
    },
  };
}

/** A refund seen that changes no total (a charge.refunded covered it already): remembered so the sum stays right. */
export async function refundSeen(s: StoreCtx, paymentId: string, refund: { id: string; cents: bigint }): Promise<void> {
  await s.doc.send(
    new UpdateCommand({
      TableName: s.table,
      Key: paymentKey(paymentId),
      UpdateExpression: 'SET refunds.#rid = :c',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#rid': refund.id },
      ExpressionAttributeValues: { ':c': refund.cents },
    }),
  );
}

/** PaymentIntent → payment, written once (charges and refunds name only the intent). */
export async function indexIntent(s: StoreCtx, pi: string, paymentId: string, principal: string): Promise<void> {
  try {
    await s.doc.send(new PutCommand({ TableName: s.table, Item: { ...intentKey(pi), paymentId, principal }, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

/** The webhook's receipt of an event id, written once: true when this delivery is the first. */
export async function recordEvent(s: StoreCtx, e: { eventId: string; type: string; at: string; group: string }): Promise<boolean> {
  try {
    await s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: { ...eventKey(e.eventId), kind: 'event', eventId: e.eventId, type: e.type, group: e.group, receivedAt: e.at },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

export const payoutCreated = (s: StoreCtx, p: Payout): LabelledItem => put(s, `payout:${p.payoutId}`, payoutItem(p));

export const payoutIdem = (s: StoreCtx, provider: string, key: string, payoutId: string, requestHash: string): LabelledItem =>
  put(s, 'payout-idem', { ...payoutIdemKey(provider, key), payoutId, requestHash });

/** Adds `amount` to the provider's total of `day`, refused when it would pass `limit`. */
export function payoutDayAdd(s: StoreCtx, provider: string, day: string, amount: bigint, limit: bigint): LabelledItem {
  return {
    label: 'payout-day',
    item: {
      Update: {
        TableName: s.table,
        Key: payoutDayKey(provider, day),
        UpdateExpression: 'ADD #t :a',
        ConditionExpression: 'attribute_not_exists(#t) OR #t <= :max',
        ExpressionAttributeNames: { '#t': 'total' },
        ExpressionAttributeValues: { ':a': amount, ':max': limit - amount },
      },
    },
  };
}

/** PENDING → PAID | FAILED, in the transaction that settles or returns the hold. */
export function payoutSettled(
  s: StoreCtx,
  payoutId: string,
  to: Exclude<PayoutStatus, 'PENDING'>,
  detail: { reference?: string; failure?: string; chainBlock?: number },
  at: string,
): LabelledItem {
  const field = to === 'PAID' ? 'reference' : 'failure';
  const block = to === 'PAID' ? detail.chainBlock : undefined;
  return {
    label: `payout:${payoutId}`,
    item: {
      Update: {
        TableName: s.table,
        Key: payoutKey(payoutId),
        UpdateExpression: `SET #s = :to, updatedAt = :at, #d = :d${block !== undefined ? ', chainBlock = :b' : ''}`,
        ConditionExpression: '#s = :p',
        // `reference` is a DynamoDB reserved word: every attribute name goes through a placeholder.
        ExpressionAttributeNames: { '#s': 'status', '#d': field },
        ExpressionAttributeValues: {
          ':to': to,
          ':p': 'PENDING',
          ':at': at,
          ':d': (to === 'PAID' ? detail.reference : detail.failure) ?? '',
          ...(block !== undefined ? { ':b': block } : {}),
        },
      },
    },
  };
}

/**
 * The chain rail's one send: marked before it goes, so a redelivered message never sends
 * twice (a send whose fate is unknown is left for reconciliation). False: already attempted.
 */
export async function payoutAttempted(s: StoreCtx, payoutId: string, at: string): Promise<boolean> {
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: payoutKey(payoutId),
        // Marked open for reconciliation in the same write: whatever happens next, the send is matched or reported.
        UpdateExpression: 'SET attemptedAt = :at, gsi2pk = :open, gsi2sk = :id',
        ConditionExpression: 'attribute_not_exists(attemptedAt) AND #s = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':at': at, ':p': 'PENDING', ':open': RECONCILE_OPEN, ':id': `PO#${payoutId}` },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** The conversion's one send: marked once, only on a MINTED payment. False: attempted already. */
export async function conversionAttempted(s: StoreCtx, paymentId: string, at: string): Promise<boolean> {
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: paymentKey(paymentId),
        UpdateExpression: 'SET conversionAttemptedAt = :at, gsi2pk = :open, gsi2sk = :id',
        ConditionExpression: 'attribute_not_exists(conversionAttemptedAt) AND #s = :m',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':at': at, ':m': 'MINTED', ':open': RECONCILE_OPEN, ':id': `PAY#${paymentId}` },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** The conversion's outcome: its transaction hash and block, or the chain's refusal. */
export async function conversionDone(s: StoreCtx, paymentId: string, outcome: { txHash: string; blockNumber: number } | { failure: string }): Promise<void> {
  const mined = 'txHash' in outcome;
  await s.doc.send(
    new UpdateCommand({
      TableName: s.table,
      Key: paymentKey(paymentId),
      UpdateExpression: mined ? 'SET conversionTx = :v, conversionBlock = :b' : 'SET conversionFailure = :v',
      ConditionExpression: 'attribute_exists(conversionAttemptedAt)',
      ExpressionAttributeValues: mined ? { ':v': outcome.txHash, ':b': outcome.blockNumber } : { ':v': outcome.failure },
    }),
  );
}

/**
 * A reconciliation window's checkpoint, written only over the one it was computed from (or
 * none): two runs at once cannot both move it. False: another run moved it first.
 */
export async function checkpointWritten(s: StoreCtx, next: ReconcileCheckpoint): Promise<boolean> {
  return wrote(
    s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: { ...reconcileCheckpointKey, ...checkpointItem(next) },
        ConditionExpression: next.version === 1 ? 'attribute_not_exists(pk)' : 'version = :prev',
        ...(next.version === 1 ? {} : { ExpressionAttributeValues: { ':prev': next.version - 1 } }),
      }),
    ),
  );
}

/** Takes the records a window matched out of the open set (idempotent: a second close changes nothing). */
export function recordsClosed(s: StoreCtx, closing: ReconcileCheckpoint['closing'], block: number): Promise<void> {
  return eachRecord(s, closing, (Key) => ({
    Key,
    UpdateExpression: 'SET reconciledBlock = if_not_exists(reconciledBlock, :b) REMOVE gsi2pk, gsi2sk',
    ExpressionAttributeValues: { ':b': block },
  }));
}

/** Puts records sent before the open set existed into it (the first reconciliation's backfill; idempotent). */
export function recordsOpened(s: StoreCtx, ids: ReconcileCheckpoint['closing']): Promise<void> {
  return eachRecord(s, ids, (Key) => ({
    Key,
    UpdateExpression: 'SET gsi2pk = :open, gsi2sk = :id',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(reconciledBlock)',
    ExpressionAttributeValues: { ':open': RECONCILE_OPEN, ':id': Key.pk },
  }));
}

/** One update per payment and payout named, 25 at a time; a record whose condition fails is left as it is. */
async function eachRecord(
  s: StoreCtx,
  ids: ReconcileCheckpoint['closing'],
  update: (key: Record<string, string> & { pk: string }) => Omit<UpdateCommandInput, 'TableName'>,
): Promise<void> {
  const keys = [...ids.credits.map(paymentKey), ...ids.payouts.map(payoutKey)];
  for (let i = 0; i < keys.length; i += 25) {
    await Promise.all(
      keys
        .slice(i, i + 25)
        .map((Key) => wrote(s.doc.send(new UpdateCommand({ TableName: s.table, ConditionExpression: 'attribute_exists(pk)', ...update(Key) })))),
    );
  }
}
