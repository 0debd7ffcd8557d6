/**
 * Job output in the cloud: the workload container logs to CloudWatch Logs (awslogs, stream
 * prefix `jobs`, container `workload`) and GET /v1/jobs/{id}/logs reads it back.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { JOB_LOG_STREAM_PREFIX, WORKLOAD_CONTAINER_NAME } from '../../definitions/job-task.ts';
import type { LogPage, LogSource } from '../domain/logs.ts';

/** The ECS task id is the last segment of the task ARN. */
export const cloudLogStream = (containerId: string): string => `${JOB_LOG_STREAM_PREFIX}/${WORKLOAD_CONTAINER_NAME}/${containerId.split('/').pop()}`;

export async function readCloudLogs(
  client: Pick<CloudWatchLogsClient, 'send'>,
  logGroup: string,
  containerId: string,
  limit: number,
  cursor?: string,
): Promise<LogPage> {
  try {
    const out = await client.send(
      new GetLogEventsCommand({
        logGroupName: logGroup,
        logStreamName: cloudLogStream(containerId),
        limit,
        startFromHead: true,
        ...(cursor ? { nextToken: cursor } : {}),
      }),
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

/** The log source of a composition that runs jobs on ECS: a job without a container has no output yet. */
export function cloudLogs(client: () => Pick<CloudWatchLogsClient, 'send'>, logGroup: string): LogSource {
  let c: Pick<CloudWatchLogsClient, 'send'> | undefined;
  return {
    read: async (job, limit, cursor) => (job.containerId ? readCloudLogs((c ??= client()), logGroup, job.containerId, limit, cursor) : { lines: [] }),
  };
}
