/**
 * Every page of a DynamoDB query, up to `max` items: the SDK hands results out one page
 * (1 MB) at a time. With a finite `max`, each page asks only for what is still missing.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
