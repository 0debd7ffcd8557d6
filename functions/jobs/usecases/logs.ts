/**
 * Job output. Locally, whoever captures a container's output (the sandbox driver) appends
 * it as items of the job (`appendJobLogs`); in the cloud the workload container logs to
 * CloudWatch Logs (awslogs, stream prefix `jobs`, container `workload`) and we read it back.
 */
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { JOB_LOG_STREAM_PREFIX } from '../../definitions/job-task.ts';
import { WORKLOAD_CONTAINER_NAME } from '../../../events/ecs-task-state.ts';

export interface LogLine {
  /** Milliseconds since the epoch. */
  ts: number;
  stream: 'stdout' | 'stderr';
  message: string;
}

export interface LogPage {
  lines: LogLine[];
  next?: string;
}

const SEQ_DIGITS = 10;
const seqKey = (seq: number) => `LOG#${String(seq).padStart(SEQ_DIGITS, '0')}`;

/** Appends lines numbered from `firstSeq` (the caller keeps the count; rewriting a number is idempotent). */
export async function appendJobLogs(s: StoreCtx, jobId: string, firstSeq: number, lines: LogLine[], ttlSec?: number): Promise<void> {
  for (let i = 0; i < lines.length; i += 25) {
    const chunk = lines.slice(i, i + 25);
    let pending = chunk.map((l, j) => ({
      PutRequest: { Item: { pk: `JOB#${jobId}`, sk: seqKey(firstSeq + i + j), ts: l.ts, stream: l.stream, message: l.message.slice(0, 16_384), ...(ttlSec ? { ttl: ttlSec } : {}) } },
    }));
    for (let attempt = 0; pending.length && attempt < 8; attempt++) {
      const out = await s.doc.send(new BatchWriteCommand({ RequestItems: { [s.table]: pending } }));
      pending = (out.UnprocessedItems?.[s.table] ?? []) as typeof pending;
    }
  }
}

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

/** The ECS task id is the last segment of the task ARN. */
export const cloudLogStream = (containerId: string): string => `${JOB_LOG_STREAM_PREFIX}/${WORKLOAD_CONTAINER_NAME}/${containerId.split('/').pop()}`;

export async function readCloudLogs(client: Pick<CloudWatchLogsClient, 'send'>, logGroup: string, containerId: string, limit: number, cursor?: string): Promise<LogPage> {
  try {
    const out = await client.send(
      new GetLogEventsCommand({ logGroupName: logGroup, logStreamName: cloudLogStream(containerId), limit, startFromHead: true, ...(cursor ? { nextToken: cursor } : {}) }),
    );
    const lines = (out.events ?? []).map((e) => ({ ts: e.timestamp ?? 0, stream: 'stdout' as const, message: e.message ?? '' }));
    const next = lines.length && out.nextForwardToken && out.nextForwardToken !== cursor ? out.nextForwardToken : undefined;
    return { lines, ...(next ? { next } : {}) };
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return { lines: [] };
    throw e;
  }
}

export const cloudLogsClient = (region: string): CloudWatchLogsClient => new CloudWatchLogsClient({ region });
