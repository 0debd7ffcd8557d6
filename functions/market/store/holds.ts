/**
 * Settlement holds live on the job's allocation record (written with the settlement, keys.ts
 * `jobKey`): `holdMicro`, `holdReleaseAt`, `holdStatus`, and while HELD the gsi1 pair
 * `HOLDS#<shard>` / `<releaseAt>#<jobId>` that the release schedule walks; a DISPUTED hold is
 * under `HOLDS#DISPUTED` / `<disputedAt>#<jobId>` for the operators' list. Every move is
 * guarded on the status read.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import { wrote } from '../../platform/dynamo/conditional.ts';
import { queryAll, type Item } from '../../platform/dynamo/query.ts';
import type { LabelledItem } from '../../platform/dynamo/transact.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { Hold, HoldStatus } from '../domain/holds.ts';
import { HOLD_SHARDS, heldShardN, jobKey } from './keys.ts';

export const DISPUTED_HOLDS = 'HOLDS#DISPUTED';

const holdOf = (i: Item): Hold | null =>
  i.holdStatus === undefined
    ? null
    : {
        jobId: String(i.jobId),
        userId: String(i.userId),
        providerId: String(i.providerId),
        amountMicro: big(i.holdMicro),
        releaseAt: String(i.holdReleaseAt),
        status: i.holdStatus as HoldStatus,
        dispute: i.holdDispute === undefined ? undefined : String(i.holdDispute),
        settledAt: i.holdSettledAt === undefined ? undefined : String(i.holdSettledAt),
        transferId: i.holdTransferId === undefined ? undefined : String(i.holdTransferId),
      };

export async function getHold(s: StoreCtx, jobId: string): Promise<Hold | null> {
  const r = await s.doc.send(new GetCommand({ TableName: s.table, Key: jobKey(jobId), ConsistentRead: true }));
  return r.Item ? holdOf(r.Item) : null;
}

/** HELD holds whose window ended before `nowIso`, earliest first per shard, at most `limit`. */
export async function dueHolds(s: StoreCtx, nowIso: string, limit: number): Promise<Hold[]> {
  const out: Hold[] = [];
  for (let n = 0; n < HOLD_SHARDS && out.length < limit; n++) {
    const items = await queryAll(
      s.doc,
      {
        TableName: s.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :now',
        ExpressionAttributeValues: { ':p': heldShardN(n), ':now': nowIso },
      },
      limit - out.length,
    );
    // The index is eventually consistent: the guarded move is what decides.
    for (const i of items) if (i.holdStatus === 'HELD') out.push(holdOf(i)!);
  }
  return out;
}

export async function disputedHolds(s: StoreCtx, limit = 100): Promise<Hold[]> {
  const items = await queryAll(
    s.doc,
    { TableName: s.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': DISPUTED_HOLDS } },
    limit,
  );
  return items.map(holdOf).filter((h): h is Hold => h?.status === 'DISPUTED');
}

/** HELD → DISPUTED while the window runs; false when the hold moved or the window ended first. */
export function markDisputed(s: StoreCtx, jobId: string, reason: string, nowIso: string): Promise<boolean> {
  return wrote(
    s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: jobKey(jobId),
        UpdateExpression: 'SET holdStatus = :d, holdDispute = :r, gsi1pk = :g, gsi1sk = :k',
        ConditionExpression: 'holdStatus = :held AND holdReleaseAt > :now',
        ExpressionAttributeValues: { ':d': 'DISPUTED', ':r': reason, ':g': DISPUTED_HOLDS, ':k': `${nowIso}#${jobId}`, ':held': 'HELD', ':now': nowIso },
      }),
    ),
  );
}

/** The hold's move to RELEASED or REFUNDED, in the transaction that moves its money (label `hold`). */
export function holdSettled(s: StoreCtx, h: { jobId: string; from: HoldStatus; to: HoldStatus; at: string; transferId: string }): LabelledItem {
  return {
    label: 'hold',
    item: {
      Update: {
        TableName: s.table,
        Key: jobKey(h.jobId),
        UpdateExpression: 'SET holdStatus = :to, holdSettledAt = :at, holdTransferId = :t REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'holdStatus = :from',
        ExpressionAttributeValues: { ':to': h.to, ':at': h.at, ':t': h.transferId, ':from': h.from },
      },
    },
  };
}
