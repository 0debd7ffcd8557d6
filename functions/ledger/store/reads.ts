/** Reads of the ledger table a transfer and its callers need: idempotency records and balances (entries: store/entries.ts). */
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { AccountId } from '../domain/accounts.ts';
import { acctPk, IDEM_SK, idemPk } from './keys.ts';

/** A key's record, strongly consistent: what it was for and what it answered. */
export async function idempotencyRecordOf(s: StoreCtx, key: string): Promise<{ requestHash: string; result: unknown; transferId: string } | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: { pk: idemPk(key), sk: IDEM_SK }, ConsistentRead: true }));
  if (!out.Item) return null;
  return { requestHash: String(out.Item.requestHash), result: JSON.parse(String(out.Item.result)), transferId: String(out.Item.transferId) };
}

/** Balances of each of an account's `n` shards (index = shard; a shard beyond `n`, left by a lowered count, still counts). */
export async function shardBalancesOf(s: StoreCtx, a: AccountId, n: number): Promise<bigint[]> {
  const balances: bigint[] = Array.from({ length: n }, () => 0n);
  const out = await s.doc.send(
    new QueryCommand({ TableName: s.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': acctPk(a) }, ConsistentRead: true }),
  );
  for (const it of out.Items ?? []) {
    const shard = Number(String(it.sk).slice('SHARD#'.length));
    balances[shard] = (balances[shard] ?? 0n) + big(it.balance);
  }
  return balances.map((b) => b ?? 0n);
}

/** Every account's balance (sum of its shards), optionally only ids starting with `prefix`: a full scan. */
export async function allBalances(s: StoreCtx, prefix = ''): Promise<Map<AccountId, bigint>> {
  const out = new Map<AccountId, bigint>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await s.doc.send(
      new ScanCommand({
        TableName: s.table,
        ConsistentRead: true,
        FilterExpression: 'begins_with(pk, :p) AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': acctPk(prefix), ':s': 'SHARD#' },
        ExclusiveStartKey,
      }),
    );
    for (const it of page.Items ?? []) {
      const a = String(it.account);
      out.set(a, (out.get(a) ?? 0n) + big(it.balance));
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}
