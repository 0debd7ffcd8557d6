/**
 * Delivers SQS batches to the same consumers Lambda would, with Lambda's contract: the
 * messages a consumer names in `batchItemFailures` (or all, if it throws) stay on the queue
 * and come back after the visibility timeout; the SQS server moves them to the DLQ after
 * maxReceiveCount. The rest are deleted.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { QUEUES, type QueueId } from '../functions/definitions/queues.ts';
import { lambdaContext } from './apigw-event.ts';
import type { Invoke } from './modules.ts';

export interface QueuePump {
  /** Waits until every queue is empty and no batch is in flight (visible messages only). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Batches delivered so far, by queue. */
  readonly delivered: Record<string, number>;
}

export function startQueuePump(sqs: SQSClient, urls: Record<QueueId, string>, invoke: Invoke, log?: (l: string) => void): QueuePump {
  let running = true;
  const inflight = new Set<Promise<void>>();
  const delivered: Record<string, number> = {};
  const idle: Record<string, boolean> = {};

  async function loop(id: QueueId): Promise<void> {
    const q = QUEUES[id];
    const url = urls[id];
    while (running) {
      let messages: Message[] = [];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: Math.min(10, q.consumer.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        messages = out.Messages ?? [];
      } catch (err) {
        if (!running) return;
        log?.(`queue ${id}: receive failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      idle[id] = messages.length === 0;
      if (!messages.length) continue;
      const work = deliver(id, url, messages);
      inflight.add(work);
      await work.finally(() => inflight.delete(work));
    }
  }

  async function deliver(id: QueueId, url: string, messages: Message[]): Promise<void> {
    const q = QUEUES[id];
    const event: SQSEvent = {
      Records: messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: (m.Attributes ?? {}) as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${id}`,
        awsRegion: 'us-east-1',
      })),
    };
    let failed = new Set<string>();
    try {
      const handler = await invoke(q.consumer.entry);
      const out = (await handler(event, lambdaContext(`${q.id}-consumer`, q.consumer.timeoutSec * 1000))) as SQSBatchResponse | undefined;
      failed = new Set((out?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      log?.(`queue ${id}: consumer threw, the whole batch will be retried: ${(err as Error).message}`);
      failed = new Set(messages.map((m) => m.MessageId!));
    }
    delivered[id] = (delivered[id] ?? 0) + 1;
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }

  const loops = (Object.keys(urls) as QueueId[]).map((id) => loop(id));

  return {
    delivered,
    async drain(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      // Two consecutive idle observations of every queue with nothing in flight.
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > until) throw new Error('queue pump did not drain in time');
        await new Promise((r) => setTimeout(r, 100));
        const allIdle = (Object.keys(urls) as QueueId[]).every((id) => idle[id]) && inflight.size === 0;
        quiet = allIdle ? quiet + 1 : 0;
        if (allIdle) await new Promise((r) => setTimeout(r, 1100));
      }
    },
    async stop() {
      running = false;
      await Promise.allSettled([...inflight]);
      await Promise.race([Promise.allSettled(loops), new Promise((r) => setTimeout(r, 2_500))]);
    },
  };
}
