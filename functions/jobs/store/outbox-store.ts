/**
 * The jobs outbox: a job event is written in the same transaction as the state change it
 * reports, published right after, then deleted. A step that dies in between leaves the
 * event here, and the timeout sweep publishes it: every change is published at least
 * once (consumers dedupe by `detail.eventId`).
 *
 * Items live in OUTBOX_SHARDS partitions (`OUTBOX#<n>`, by job id) so one hot partition
 * does not cap how many jobs can change state per second.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../platform/dynamo/query.ts';
import type { LabelledItem } from '../../platform/dynamo/transact.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';

export const OUTBOX_SHARDS = 8;

export interface OutboxEvent {
  /** Sortable id (`evt_<ULID>`), also `detail.eventId`. */
  id: string;
  jobId: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** When the change was written. */
  atMs: number;
}

function shardOf(jobId: string): number {
  let h = 0;
  for (let i = 0; i < jobId.length; i++) h = (h * 31 + jobId.charCodeAt(i)) >>> 0;
  return h % OUTBOX_SHARDS;
}

export const outboxKey = (ev: Pick<OutboxEvent, 'id' | 'jobId'>) => ({ pk: `OUTBOX#${shardOf(ev.jobId)}`, sk: ev.id });

/** The Put that stages `ev`, for the transaction that makes the change it reports. */
export function outboxPut(s: StoreCtx, ev: OutboxEvent): LabelledItem {
  return {
    label: 'outbox',
    item: {
      Put: {
        TableName: s.table,
        Item: { ...outboxKey(ev), kind: 'outbox', jobId: ev.jobId, detailType: ev.detailType, detail: JSON.stringify(ev.detail), atMs: ev.atMs },
      },
    },
  };
}

/** Published: the staged copy goes. Deleting one already gone is fine. */
export async function deleteOutbox(s: StoreCtx, ev: Pick<OutboxEvent, 'id' | 'jobId'>): Promise<void> {
  await s.doc.send(new DeleteCommand({ TableName: s.table, Key: outboxKey(ev) }));
}

/** Staged events written before `beforeMs`, oldest first per shard, at most `limit`. */
export async function staleOutbox(s: StoreCtx, beforeMs: number, limit = 100): Promise<OutboxEvent[]> {
  const out: OutboxEvent[] = [];
  for (let shard = 0; shard < OUTBOX_SHARDS && out.length < limit; shard++) {
    const items = await queryAll(
      s.doc,
      {
        TableName: s.table,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'atMs < :before',
        ExpressionAttributeValues: { ':pk': `OUTBOX#${shard}`, ':before': beforeMs },
        ConsistentRead: true,
      },
      limit - out.length,
    );
    for (const i of items)
      out.push({ id: String(i.sk), jobId: String(i.jobId), detailType: String(i.detailType), detail: JSON.parse(String(i.detail)), atMs: Number(i.atMs) });
  }
  return out.slice(0, limit);
}
