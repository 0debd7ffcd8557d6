/** Receipts and metered slices: both written once; a second write of the same content is a no-op, of other content a conflict. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { queryAll } from '../../platform/dynamo/query.ts';
import type { SignedReceipt } from '../domain/receipt.ts';
import type { Slice } from '../domain/metering.ts';
import { receiptKey, sliceKey, slicePk } from './keys.ts';

export async function putReceipt(s: StoreCtx, r: SignedReceipt): Promise<'written' | 'exists'> {
  try {
    await s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: {
          ...receiptKey(r.receipt.jobId),
          kind: 'receipt',
          jobId: r.receipt.jobId,
          buyerId: r.receipt.buyerId,
          providerId: r.receipt.providerId,
          body: JSON.stringify(r),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'written';
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return 'exists';
    throw e;
  }
}

export async function getReceipt(s: StoreCtx, jobId: string): Promise<SignedReceipt | undefined> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: receiptKey(jobId), ConsistentRead: true }));
  return out.Item ? (JSON.parse(String(out.Item.body)) as SignedReceipt) : undefined;
}

/** 'written', 'duplicate' (the same digest is stored) or 'conflict' (another slice holds this seq). */
export async function putSlice(s: StoreCtx, slice: Slice, digest: string, at: string): Promise<'written' | 'duplicate' | 'conflict'> {
  try {
    await s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: { ...sliceKey(slice.jobId, slice.seq), kind: 'slice', ...slice, digest, recordedAt: at },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'written';
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const cur = await s.doc.send(new GetCommand({ TableName: s.table, Key: sliceKey(slice.jobId, slice.seq), ConsistentRead: true }));
    return cur.Item?.digest === digest ? 'duplicate' : 'conflict';
  }
}

export async function slicesOf(s: StoreCtx, jobId: string): Promise<Slice[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': slicePk(jobId) },
    ConsistentRead: true,
  });
  return items.map((it) => ({
    jobId: String(it.jobId),
    bucketId: String(it.bucketId),
    seq: Number(it.seq),
    scmDeltaMilli: big(it.scmDeltaMilli),
    priceIndexMicro: big(it.priceIndexMicro),
  }));
}
