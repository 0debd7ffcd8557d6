/**
 * Lambda's SQS contract for the jobs consumers: each record on its own, failures named in
 * `batchItemFailures` so only they come back. A record that cannot be parsed is logged and
 * dropped: redelivering it could never succeed.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../platform/observability.ts';

export async function consumeRecords(event: SQSEvent, handle: (record: SQSRecord, body: unknown) => Promise<string>): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      logger.error('dropping a message that is not JSON', { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await handle(record, body);
      logger.debug('message handled', { messageId: record.messageId, outcome });
    } catch (err) {
      logger.error('message failed; it will be retried', { messageId: record.messageId, error: err as Error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
