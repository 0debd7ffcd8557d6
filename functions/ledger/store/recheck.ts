/**
 * Point re-checks for what a scan flagged. A scan is not a snapshot: under sustained
 * writes it can read an account's shards before a transfer and its entries after it. A
 * flagged account is re-read bracketed — shards, entries, shards again — and counts as
 * verified only when both shard reads agree and equal its entries; a flagged transfer is
 * re-read with one strongly consistent query of its own partition.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { AccountId } from '../domain/accounts.ts';
import { acctPk, entriesGsiPk, xferPk } from './keys.ts';

async function sumQuery(doc: DynamoDBDocumentClient, input: ConstructorParameters<typeof QueryCommand>[0], attr: string): Promise<bigint> {
  let sum = 0n;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    for (const it of page.Items ?? []) sum += big(it[attr]);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return sum;
}

export const storedBalance = (doc: DynamoDBDocumentClient, table: string, a: AccountId): Promise<bigint> =>
  sumQuery(
    doc,
    {
      TableName: table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': acctPk(a) },
      ConsistentRead: true,
      ProjectionExpression: 'balance',
    },
    'balance',
  );

export async function entriesBalance(doc: DynamoDBDocumentClient, table: string, a: AccountId, shards: number): Promise<bigint> {
  const partitions = shards > 1 ? Array.from({ length: shards }, (_, s) => entriesGsiPk(a, s)) : [entriesGsiPk(a)];
  const sums = await Promise.all(
    partitions.map((p) =>
      sumQuery(
        doc,
        { TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': p }, ProjectionExpression: 'delta' },
        'delta',
      ),
    ),
  );
  return sums.reduce((s, v) => s + v, 0n);
}

export const transferSum = (doc: DynamoDBDocumentClient, table: string, transferId: string): Promise<bigint> =>
  sumQuery(
    doc,
    {
      TableName: table,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':p': xferPk(transferId), ':e': 'ENTRY#' },
      ConsistentRead: true,
      ProjectionExpression: 'delta',
    },
    'delta',
  );

export type AccountRecheck = { state: 'verified'; balance: bigint } | { state: 'differs'; stored: bigint; rebuilt: bigint } | { state: 'busy' };

/** Tries a bracketed read up to `attempts` times; `differs` only when the account held still and still differed every time it held still. */
export async function recheckAccount(
  doc: DynamoDBDocumentClient,
  table: string,
  a: AccountId,
  shards: number,
  attempts: number,
  pauseMs: number,
): Promise<AccountRecheck> {
  let last: AccountRecheck = { state: 'busy' };
  for (let i = 0; i < attempts; i++) {
    const before = await storedBalance(doc, table, a);
    const rebuilt = await entriesBalance(doc, table, a, shards);
    const after = await storedBalance(doc, table, a);
    if (before === after) {
      if (before === rebuilt) return { state: 'verified', balance: before };
      last = { state: 'differs', stored: before, rebuilt };
    }
    // A still account that differs may be index lag; a busy one needs a quiet moment.
    await new Promise((r) => setTimeout(r, Math.floor(pauseMs * (0.5 + Math.random()))));
  }
  return last;
}
