/** The revocation registry: write-once entries (a second revocation of the same thing keeps the first), read consistently. */
import { wrote } from '../../platform/dynamo/conditional.ts';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { Revocation, RevocationKind } from '../domain/revocation.ts';
import { itemToRevocation, revocationKey, revocationToItem } from './items.ts';

/** Records the revocation; returns the entry now in the registry (the earlier one if it was revoked before). */
export async function putRevocation(s: StoreCtx, r: Revocation): Promise<{ created: boolean; revocation: Revocation }> {
  try {
    await s.doc.send(new PutCommand({ TableName: s.table, Item: revocationToItem(r), ConditionExpression: 'attribute_not_exists(pk)' }));
    return { created: true, revocation: r };
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: revocationKey(r.kind, r.value), ConsistentRead: true }));
    return { created: false, revocation: itemToRevocation(out.Item!) };
  }
}

/** Which of these (kind, value) pairs are revoked. */
export async function revokedAmong(s: StoreCtx, keys: readonly { kind: RevocationKind; value: string }[]): Promise<Revocation[]> {
  // Single consistent reads (a BatchGet may leave keys unprocessed, and a missed revocation is not an option).
  const found = await Promise.all(
    keys.map(async (k) => (await s.doc.send(new GetCommand({ TableName: s.table, Key: revocationKey(k.kind, k.value), ConsistentRead: true }))).Item),
  );
  return found.filter((i): i is Record<string, unknown> => i !== undefined).map(itemToRevocation);
}

/** Of these providers, the revoked ones (placement gives them no new jobs). */
export async function revokedProviders(s: StoreCtx, providerIds: readonly string[]): Promise<Set<string>> {
  const found = await revokedAmong(
    s,
    [...new Set(providerIds)].map((value) => ({ kind: 'provider' as const, value })),
  );
  return new Set(found.map((r) => r.value));
}

/** The newest revocations first. */
export async function recentRevocations(s: StoreCtx, limit: number): Promise<Revocation[]> {
  const out = await s.doc.send(
    new QueryCommand({
      TableName: s.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'REVOCATIONS' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(itemToRevocation);
}

const FEED_KEY = { pk: 'FEED', sk: 'FEED' };

/** Moves the feed's recorded version forward to `version`; false when it is not newer (a replay or rollback). */
export async function advanceFeedVersion(s: StoreCtx, version: number, atMs: number): Promise<boolean> {
  return wrote(
    s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: FEED_KEY,
        UpdateExpression: 'SET version = :v, appliedAtMs = :at',
        ConditionExpression: 'attribute_not_exists(version) OR version < :v',
        ExpressionAttributeValues: { ':v': version, ':at': atMs },
      }),
    ),
  );
}
