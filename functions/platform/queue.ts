/** Sending to the queues of functions/definitions/queues.ts, by queue id. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { QueueId } from '../definitions/queues.ts';

export interface QueueMessage {
  body: unknown;
  /** Seconds before the message becomes visible (SQS DelaySeconds, at most 900). */
  delaySec?: number;
  /** FIFO queues only. */
  groupId?: string;
  dedupId?: string;
}

export interface QueueSender {
  send(queue: QueueId, messages: QueueMessage[]): Promise<void>;
}

export class SqsSender implements QueueSender {
  constructor(
    private readonly client: SQSClient,
    private readonly urls: Record<string, string>,
  ) {}
  async send(queue: QueueId, messages: QueueMessage[]): Promise<void> {
    const url = this.urls[queue];
    if (!url) throw new Error(`no URL configured for queue "${queue}" (VRACU_QUEUE_URLS)`);
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify(m.body),
            ...(m.delaySec ? { DelaySeconds: Math.min(900, Math.max(0, Math.floor(m.delaySec))) } : {}),
            ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
            ...(m.dedupId ? { MessageDeduplicationId: m.dedupId } : {}),
          })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS rejected ${out.Failed.length} messages: ${out.Failed.map((f) => f.Message).join('; ')}`);
    }
  }
}

export function sqsClient(region: string, endpoint?: string): SQSClient {
  return new SQSClient({ region, ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) });
}
