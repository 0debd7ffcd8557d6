/**
 * Lambda's SQS contract for the jobs consumers: each record on its own, failures named in
 * `batchItemFailures` so only they come back. A record that cannot be parsed is logged and
 * dropped: redelivering it could never succeed.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../platform/observability.ts';

export async function consumeRecords(
  event: SQSEvent,
  handle: (record: SQSRecord, body: unknown) => Promise<string>,
  /** Records with the same key run one after another, in batch order; other keys side by side. */
  keyOf: (body: unknown) => string = () => '',
): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const r of event.Records) {
    let key = '';
    try {
      key = keyOf(JSON.parse(r.body));
    } catch {
      key = '';
    }
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const failed: string[] = [];
  await Promise.all(
    [...groups.values()].map(async (records) => {
      for (const record of records) {
        const id = await one(record, handle);
        if (id) failed.push(id);
      }
    }),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** The record's id if it failed and should come back, else null. */
async function one(record: SQSRecord, handle: (record: SQSRecord, body: unknown) => Promise<string>): Promise<string | null> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    logger.error('dropping a message that is not JSON', { messageId: record.messageId });
    return null;
  }
  try {
    const outcome = await handle(record, body);
    logger.debug('message handled', { messageId: record.messageId, outcome });
    return null;
  } catch (err) {
    logger.error('message failed; it will be retried', { messageId: record.messageId, error: err as Error });
    return record.messageId;
  }
}
