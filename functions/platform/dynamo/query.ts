/**
 * Every page of a DynamoDB query, up to `max` items: the SDK hands results out one page
 * (1 MB) at a time. With a finite `max`, each page asks only for what is still missing.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '../http/query.ts';
import type { StoreCtx } from './store.ts';
import { isRetryable } from './transact.ts';

export type Item = Record<string, unknown>;

/** A read that may succeed if asked again: a throttle, a conflict, or a connection lost on the way. */
export function isTransientRead(err: unknown): boolean {
  const e = err as { name?: string; code?: string };
  return isRetryable(err) || e?.name === 'TimeoutError' || ['ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(String(e?.code));
}

export async function queryAll(doc: Pick<DynamoDBDocumentClient, 'send'>, input: QueryCommandInput, max = Infinity): Promise<Item[]> {
  const out: Item[] = [];
  let start = input.ExclusiveStartKey;
  do {
    const missing = max - out.length;
    const limit = Number.isFinite(missing) ? Math.min(input.Limit ?? missing, missing) : input.Limit;
    const page = await doc.send(
      new QueryCommand({ ...input, ...(limit !== undefined ? { Limit: limit } : {}), ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && out.length < max);
  return out;
}

/**
 * One page of a gsi1 listing (`gsi1pk` = `partition`), newest first, behind an opaque cursor:
 * the last key of the page before, accepted only as a key of this same listing (items keyed
 * `<pkPrefix>…` / `sk`), so a forged cursor or another tenant's is a 400, never a 500.
 */
export async function gsi1Page(
  s: StoreCtx,
  partition: string,
  key: { pkPrefix: string; sk: string },
  limit: number,
  cursor?: string,
): Promise<{ items: Item[]; next?: string }> {
  const position = z.strictObject({ pk: z.string().startsWith(key.pkPrefix), sk: z.literal(key.sk), gsi1pk: z.literal(partition), gsi1sk: z.string().min(1) });
  const out = await s.doc.send(
    new QueryCommand({
      TableName: s.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: limit,
      ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, position) } : {}),
    }),
  );
  const next = out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : undefined;
  return { items: out.Items ?? [], ...(next ? { next } : {}) };
}
