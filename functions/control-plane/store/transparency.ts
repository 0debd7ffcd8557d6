/**
 * The log's items. An append is one transaction: the size moves n → n+1 (guarded on n), the
 * leaf at n and the key-id index are written once; two appends racing for index n cannot
 * both land, and a key is logged at most once. Entries are immutable (table writeOnce).
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { queryAll } from '../../platform/dynamo/query.ts';
import { TransactionCancelledError, transactWrite } from '../../platform/dynamo/transact.ts';
import type { LogEntry, SignedTreeHead } from '../domain/transparency.ts';
import { LEAF_PK, leafKey, LOG_SIZE_KEY, logKeyIndexKey, STH_PK, sthKey } from './keys.ts';

export async function logSize(s: StoreCtx): Promise<number> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: LOG_SIZE_KEY, ConsistentRead: true }));
  return out.Item ? Number(out.Item.size) : 0;
}

export async function indexOfKey(s: StoreCtx, keyId: string): Promise<number | undefined> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: logKeyIndexKey(keyId), ConsistentRead: true }));
  return out.Item ? Number(out.Item.leafIndex) : undefined;
}

/** 'appended', 'exists' (the key is logged already) or 'raced' (another append took index n). */
export async function appendEntry(s: StoreCtx, n: number, e: LogEntry): Promise<'appended' | 'exists' | 'raced'> {
  try {
    await transactWrite(s.doc, [
      {
        label: 'size',
        item: {
          Put: {
            TableName: s.table,
            Item: { ...LOG_SIZE_KEY, size: n + 1 },
            ConditionExpression: n === 0 ? 'attribute_not_exists(pk)' : 'size = :n',
            ...(n === 0 ? {} : { ExpressionAttributeValues: { ':n': n } }),
          },
        },
      },
      {
        label: 'leaf',
        item: {
          Put: {
            TableName: s.table,
            Item: { ...leafKey(n), kind: 'log-entry', leafIndex: n, entry: JSON.stringify(e) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        label: 'key',
        item: { Put: { TableName: s.table, Item: { ...logKeyIndexKey(e.keyId), leafIndex: n }, ConditionExpression: 'attribute_not_exists(pk)' } },
      },
    ]);
    return 'appended';
  } catch (err) {
    if (err instanceof TransactionCancelledError && err.failed('key')) return 'exists';
    if (err instanceof TransactionCancelledError && (err.failed('size') || err.failed('leaf'))) return 'raced';
    throw err;
  }
}

export async function entries(s: StoreCtx, size: number): Promise<LogEntry[]> {
  if (size === 0) return [];
  const items = await queryAll(
    s.doc,
    {
      TableName: s.table,
      KeyConditionExpression: 'pk = :pk AND sk <= :last',
      ExpressionAttributeValues: { ':pk': LEAF_PK, ':last': leafKey(size - 1).sk },
      ConsistentRead: true,
    },
    size,
  );
  return items.map((it) => JSON.parse(String(it.entry)) as LogEntry);
}

export async function putTreeHead(s: StoreCtx, sth: SignedTreeHead): Promise<boolean> {
  try {
    await s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: { ...sthKey(sth.head.treeSize), kind: 'sth', body: JSON.stringify(sth) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

export async function latestTreeHead(s: StoreCtx): Promise<SignedTreeHead | undefined> {
  const out = await s.doc.send(
    new QueryCommand({
      TableName: s.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': STH_PK },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const it = out.Items?.[0];
  return it ? (JSON.parse(String(it.body)) as SignedTreeHead) : undefined;
}

export async function treeHeadAt(s: StoreCtx, size: number): Promise<SignedTreeHead | undefined> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: sthKey(size), ConsistentRead: true }));
  return out.Item ? (JSON.parse(String(out.Item.body)) as SignedTreeHead) : undefined;
}
