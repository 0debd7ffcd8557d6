/** Reads of the providers table. Decisions (redeem, verify, heartbeats) read strongly. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../platform/dynamo/query.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { DirectoryProvider } from '../domain/provider.ts';
import type { JoinToken } from '../domain/join-token.ts';
import { toProvider, toToken } from './items.ts';
import { ONLINE_GSI, onlineSk, providerKey, PROVIDERS_GSI, tokenKey } from './keys.ts';

export async function getToken(s: StoreCtx, hash: string): Promise<JoinToken | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: tokenKey(hash), ConsistentRead: true }));
  return out.Item ? toToken(out.Item) : null;
}

export async function getProvider(s: StoreCtx, id: string): Promise<DirectoryProvider | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: providerKey(id), ConsistentRead: true }));
  return out.Item ? toProvider(out.Item) : null;
}

export async function listProviders(s: StoreCtx): Promise<DirectoryProvider[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': PROVIDERS_GSI },
  });
  return items.map(toProvider);
}

/** Online providers last heard from before `beforeMs` (the sweep's candidates), oldest first. */
export async function overdueProviders(s: StoreCtx, beforeMs: number, limit = 100): Promise<{ providerId: string; lastHeartbeatMs: number }[]> {
  const items = await queryAll(
    s.doc,
    {
      TableName: s.table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :hi',
      ExpressionAttributeValues: { ':p': ONLINE_GSI, ':hi': onlineSk(beforeMs, '') },
    },
    limit,
  );
  return items.map((it) => ({ providerId: String(it.providerId), lastHeartbeatMs: Number(it.lastHeartbeatMs) }));
}

/** Online providers (placement's candidates), from the index. */
export async function onlineProviders(s: StoreCtx): Promise<DirectoryProvider[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p',
    ExpressionAttributeValues: { ':p': ONLINE_GSI },
  });
  return items.map(toProvider);
}
