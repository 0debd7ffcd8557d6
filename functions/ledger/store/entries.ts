/**
 * Listing an account's entries through gsi1. A hot account's entries are spread over as
 * many gsi1 partitions as it has balance shards (a single GSI partition key would throttle
 * the table's writes long before the sharded balance items do), so a page merges one query
 * per partition in transfer-id (time) order. The cursor keeps each partition's position.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '../../platform/http/query.ts';
import { big } from '../../platform/dynamo/client.ts';
import type { AccountId } from '../domain/accounts.ts';
import { entriesGsiPk } from './keys.ts';

export interface LedgerEntry {
  transferId: string;
  account: AccountId;
  /** Net change of the account in that transfer, µACU (credits positive). */
  delta: bigint;
  memo: string;
  at: string;
}

type Key = Record<string, unknown>;
/** Per partition: where to continue, `null` when exhausted. */
type Positions = Record<string, Key | null | undefined>;

export async function listEntries(
  doc: DynamoDBDocumentClient,
  table: string,
  a: AccountId,
  shards: number,
  opts: { limit?: number; cursor?: string },
): Promise<{ entries: LedgerEntry[]; cursor?: string }> {
  const limit = opts.limit ?? 50;
  const from: Positions = opts.cursor ? decodeCursor(opts.cursor, positionsOf(a, shards)) : {};
  const pages = await Promise.all(
    Array.from({ length: shards }, async (_, s) => {
      const start = from[s];
      if (start === null) return { s, items: [] as Key[], more: false };
      const out = await doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': entriesGsiPk(a, shards > 1 ? s : undefined) },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      return { s, items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
    }),
  );
  const merged = pages.flatMap((p) => p.items.map((item) => ({ s: p.s, item }))).sort((x, y) => (String(x.item.gsi1sk) < String(y.item.gsi1sk) ? -1 : 1));
  const taken = merged.slice(0, limit);
  const next: Positions = {};
  let open = false;
  for (const p of pages) {
    const mine = taken.filter((t) => t.s === p.s);
    const exhausted = from[p.s] === null || (mine.length === p.items.length && !p.more);
    const last = mine.at(-1)?.item;
    next[p.s] = exhausted ? null : last ? keyOf(last) : from[p.s];
    if (!exhausted) open = true;
  }
  const entries = taken.map((t) => toEntry(t.item));
  return open ? { entries, cursor: encodeCursor(next) } : { entries };
}

const keyOf = (it: Key): Key => ({ pk: it.pk, sk: it.sk, gsi1pk: it.gsi1pk, gsi1sk: it.gsi1sk });

function toEntry(it: Key): LedgerEntry {
  return { transferId: String(it.transferId), account: String(it.account), delta: big(it.delta), memo: String(it.memo ?? ''), at: String(it.at) };
}

/** A cursor of this account's listing: per shard partition, the last key read (exactly its four members), or null when exhausted. */
function positionsOf(a: AccountId, shards: number) {
  const key = (s: number) =>
    z.strictObject({
      pk: z.string().startsWith('XFER#'),
      sk: z.literal(`ENTRY#${a}`),
      gsi1pk: z.literal(entriesGsiPk(a, shards > 1 ? s : undefined)),
      gsi1sk: z.string().min(1),
    });
  return z.strictObject(
    Object.fromEntries(Array.from({ length: shards }, (_, s) => [String(s), key(s).nullable().optional()])),
  ) as unknown as z.ZodType<Positions>;
}
