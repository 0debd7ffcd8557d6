/**
 * The collateral cache in DynamoDB (table `privacy`, items `COLL#<key>` / `COLL`). One rule is
 * enforced by the write itself: a record replaces the stored one only if it is newer
 * (version.sequence, then version.issuedAtMs), so replaying old signed TCB info or an old CRL
 * cannot lower the bar. Records with a next update expire (TTL) a week after it.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { CollateralRecord } from '../collateral/source.ts';

export interface CacheCtx {
  doc: DynamoDBDocumentClient;
  table: string;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
const itemKey = (key: string) => ({ pk: `COLL#${key}`, sk: 'COLL' });

export async function getCachedCollateral(c: CacheCtx, key: string): Promise<CollateralRecord | undefined> {
  const out = await c.doc.send(new GetCommand({ TableName: c.table, Key: itemKey(key), ConsistentRead: true }));
  const i = out.Item;
  if (!i) return undefined;
  return {
    key,
    body: String(i.body),
    version: { sequence: Number(i.sequence), issuedAtMs: Number(i.issuedAtMs) },
    ...(i.nextUpdateMs !== undefined ? { nextUpdateMs: Number(i.nextUpdateMs) } : {}),
    fetchedAtMs: Number(i.fetchedAtMs),
  };
}

/**
 * Stores `r` unless the cache holds the same or a newer version. Returns 'stored', or 'kept'
 * when the stored record is at least as new (nothing was written).
 */
export async function putCollateral(c: CacheCtx, r: CollateralRecord): Promise<'stored' | 'kept'> {
  try {
    await c.doc.send(
      new PutCommand({
        TableName: c.table,
        Item: {
          ...itemKey(r.key),
          body: r.body,
          sequence: r.version.sequence,
          issuedAtMs: r.version.issuedAtMs,
          fetchedAtMs: r.fetchedAtMs,
          ...(r.nextUpdateMs !== undefined ? { nextUpdateMs: r.nextUpdateMs, ttl: Math.ceil((r.nextUpdateMs + WEEK_MS) / 1000) } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #seq < :seq OR (#seq = :seq AND issuedAtMs < :iss)',
        ExpressionAttributeNames: { '#seq': 'sequence' },
        ExpressionAttributeValues: { ':seq': r.version.sequence, ':iss': r.version.issuedAtMs },
      }),
    );
    return 'stored';
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === 'ConditionalCheckFailedException') return 'kept';
    throw e;
  }
}
