/**
 * Job output on the local stack: whoever captures a container's output (the sandbox
 * driver, through the jobs plugin) appends it as items of the job (`appendJobLogs`), and
 * `localLogs` reads them back. In the cloud the workload logs to CloudWatch Logs instead
 * (drivers/cloud-logs.ts).
 */
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../platform/errors.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { LogLine, LogPage, LogSource } from '../domain/logs.ts';

const SEQ_DIGITS = 10;
const seqKey = (seq: number) => `LOG#${String(seq).padStart(SEQ_DIGITS, '0')}`;

/** Appends lines numbered from `firstSeq` (the caller keeps the count; rewriting a number is idempotent). */
export async function appendJobLogs(s: StoreCtx, jobId: string, firstSeq: number, lines: LogLine[], ttlSec?: number): Promise<void> {
  for (let i = 0; i < lines.length; i += 25) {
    const chunk = lines.slice(i, i + 25);
    let pending = chunk.map((l, j) => ({
      PutRequest: {
        Item: {
          pk: `JOB#${jobId}`,
          sk: seqKey(firstSeq + i + j),
          ts: l.ts,
          stream: l.stream,
          message: l.message.slice(0, 16_384),
          ...(ttlSec ? { ttl: ttlSec } : {}),
        },
      },
    }));
    for (let attempt = 0; pending.length && attempt < 8; attempt++) {
      const out = await s.doc.send(new BatchWriteCommand({ RequestItems: { [s.table]: pending } }));
      pending = (out.UnprocessedItems?.[s.table] ?? []) as typeof pending;
    }
  }
}

/** The job's stored lines; the cursor is the next line's number, anything else a 400. */
export const localLogs = (s: StoreCtx): LogSource => ({
  read: (job, limit, cursor) => {
    if (cursor !== undefined && !/^\d{1,10}$/.test(cursor)) {
      throw new AppError('validation_failed', 'query.cursor: not a cursor of this listing', { issues: [{ path: 'query.cursor', message: 'invalid cursor' }] });
    }
    return readLocalLogs(s, job.jobId, limit, cursor);
  },
});

export async function readLocalLogs(s: StoreCtx, jobId: string, limit: number, cursor?: string): Promise<LogPage> {
  const out = await s.doc.send(
    new QueryCommand({
      TableName: s.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)',
      ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':log': 'LOG#' },
      Limit: limit,
      ...(cursor ? { ExclusiveStartKey: { pk: `JOB#${jobId}`, sk: seqKey(Number(cursor)) } } : {}),
    }),
  );
  const lines = (out.Items ?? []).map((i) => ({ ts: Number(i.ts), stream: i.stream as LogLine['stream'], message: String(i.message) }));
  const last = out.LastEvaluatedKey?.sk as string | undefined;
  return { lines, ...(last ? { next: String(Number(last.slice(4))) } : {}) };
}
