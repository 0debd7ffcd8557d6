/** Agents (the pool's identities) and the pool counter. */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { transactWrite, TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import type { Agent } from '../domain/job.ts';
import type { AgentChallenge } from '../domain/agent-registration.ts';
import { agentKey, itemToAgent, POOL_KEY } from './items.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { releaseItems } from './job-store.ts';
import { wrote } from '../../platform/dynamo/conditional.ts';

/** False when an agent of that name exists. */
export const putAgent = (s: StoreCtx, a: Agent): Promise<boolean> =>
  wrote(
    s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: { ...agentKey(a.name), ...a, gsi1pk: 'AGENTS', gsi1sk: a.name },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );

export async function getAgent(s: StoreCtx, name: string): Promise<Agent | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: agentKey(name), ConsistentRead: true }));
  return out.Item ? itemToAgent(out.Item) : null;
}

export async function listAgents(s: StoreCtx): Promise<Agent[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await s.doc.send(
      new QueryCommand({
        TableName: s.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AGENTS' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.map(itemToAgent);
}

export async function poolActive(s: StoreCtx): Promise<number> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: POOL_KEY, ConsistentRead: true }));
  return Number(out.Item?.active ?? 0);
}

/** Frees an agent whose job no longer holds it (the sweep's last resort). False if it moved on. */
export async function forceRelease(s: StoreCtx, name: string, jobId: string): Promise<boolean> {
  try {
    await transactWrite(s.doc, releaseItems(s, name, jobId));
    return true;
  } catch (e) {
    if (e instanceof TransactionCancelledError && e.failed('release')) return false;
    throw e;
  }
}

const challengeKey = (challenge: string) => ({ pk: `AGENTCHAL#${challenge}`, sk: 'CHALLENGE' });

/** A new challenge for `ownerId` (the item expires from the table by TTL after it lapses). */
export async function putAgentChallenge(s: StoreCtx, c: AgentChallenge): Promise<void> {
  await s.doc.send(
    new PutCommand({
      TableName: s.table,
      Item: { ...challengeKey(c.challenge), ...c, ttl: Math.ceil(c.expiresAtMs / 1000) + 86_400 },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getAgentChallenge(s: StoreCtx, challenge: string): Promise<AgentChallenge | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: challengeKey(challenge), ConsistentRead: true }));
  if (!out.Item) return null;
  const i = out.Item;
  return { challenge: String(i.challenge), ownerId: String(i.ownerId), status: i.status as AgentChallenge['status'], expiresAtMs: Number(i.expiresAtMs) };
}

/**
 * The agent and its challenge used, in one transaction: the challenge still ISSUED, the
 * caller's and unexpired (two registrations racing on one challenge: one wins), and no agent
 * of that name. Which guard failed: `challenge` or `agent`.
 */
export async function putAgentWithChallenge(s: StoreCtx, a: Agent, challenge: string, nowMs: number): Promise<'ok' | 'challenge' | 'agent'> {
  try {
    await transactWrite(s.doc, [
      {
        label: 'challenge',
        item: {
          Update: {
            TableName: s.table,
            Key: challengeKey(challenge),
            UpdateExpression: 'SET #s = :used, agentName = :n',
            ConditionExpression: '#s = :issued AND ownerId = :o AND expiresAtMs > :now',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':used': 'USED', ':issued': 'ISSUED', ':o': a.ownerId, ':now': nowMs, ':n': a.name },
          },
        },
      },
      {
        label: 'agent',
        item: {
          Put: { TableName: s.table, Item: { ...agentKey(a.name), ...a, gsi1pk: 'AGENTS', gsi1sk: a.name }, ConditionExpression: 'attribute_not_exists(pk)' },
        },
      },
    ]);
    return 'ok';
  } catch (e) {
    if (e instanceof TransactionCancelledError) {
      if (e.failed('challenge')) return 'challenge';
      if (e.failed('agent')) return 'agent';
    }
    throw e;
  }
}
