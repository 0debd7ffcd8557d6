/**
 * The SQS consumer contract on the real SQS server: a message that fails to parse (not JSON,
 * or not the queue's schema) is reported as failed every time it is delivered, so the
 * queue's redrive policy moves it to the DLQ after maxReceiveCount; valid messages beside
 * it are handled. Nothing is dropped.
 */
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { QUEUES, queueName } from '../../../functions/definitions/queues.ts';
import type { Composition, HasRuntime } from '../../../functions/platform/compose.ts';
import { sqsConsumer } from '../../../functions/platform/consumer.ts';
import { testEnv } from '../../support/runtime.ts';

describe('sqsConsumer', () => {
  it('sends a message that fails to parse to the DLQ after maxReceiveCount, handling the valid ones', async () => {
    const env = await testEnv({ queues: true });
    const deps: HasRuntime = { rt: env.rt };
    const context: Composition<HasRuntime> = { context: 'test', fromEnv: () => deps };
    const handled: number[] = [];
    const consumer = sqsConsumer(context, z.strictObject({ n: z.number().int() }), async (_d, m) => {
      handled.push(m.n);
      return 'ok';
    }).with(deps);
    const url = env.queues!.jobSteps;
    for (const body of ['not json', JSON.stringify({ n: 'x' }), JSON.stringify({ n: 1 })])
      await env.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));

    const { maxReceiveCount } = QUEUES.jobSteps;
    // Receive with no visibility timeout, as many times as the redrive policy allows (Lambda's loop, sped up).
    let deliveries = 0;
    for (let i = 0; i < maxReceiveCount + 2; i++) {
      const out = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
      const msgs = out.Messages ?? [];
      if (msgs.length === 0) break;
      deliveries++;
      const event = { Records: msgs.map((m) => ({ messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body ?? '' })) } as unknown as SQSEvent;
      const res = await consumer(event, {} as never);
      const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
      expect(failed.size).toBe(msgs.filter((m) => m.Body !== JSON.stringify({ n: 1 })).length);
      for (const m of msgs) if (!failed.has(m.MessageId!)) await env.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
    expect(handled).toEqual([1]);
    expect(deliveries).toBe(maxReceiveCount);
    const dlq = (await env.sqs.send(new GetQueueUrlCommand({ QueueName: queueName(env.prefix, QUEUES.jobSteps, true) }))).QueueUrl!;
    const dead = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect((dead.Messages ?? []).map((m) => m.Body).sort()).toEqual([JSON.stringify({ n: 'x' }), 'not json'].sort());
  });

  it('stopGroupOnError: after a failure the rest of that group is reported failed unhandled, other groups go on (FIFO order)', async () => {
    const env = await testEnv();
    const deps: HasRuntime = { rt: env.rt };
    const context: Composition<HasRuntime> = { context: 'test', fromEnv: () => deps };
    const handled: string[] = [];
    const schema = z.strictObject({ g: z.string(), n: z.number().int() });
    const handle = async (_d: HasRuntime, m: z.output<typeof schema>) => {
      if (m.g === 'a' && m.n === 1) throw new Error('a1 fails');
      handled.push(`${m.g}${m.n}`);
      return 'ok';
    };
    const bodies = [
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['b', 2],
    ] as const;
    const event = { Records: bodies.map(([g, n]) => ({ messageId: `${g}${n}`, receiptHandle: 'r', body: JSON.stringify({ g, n }) })) } as unknown as SQSEvent;
    const fifo = sqsConsumer(context, schema, handle, (m) => m.g, { stopGroupOnError: true }).with(deps);
    const res = await fifo(event, {} as never);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a1', 'a2']);
    expect(handled.sort()).toEqual(['b1', 'b2']);
    // Without the option (standard queues) a2 runs after a1 failed.
    handled.length = 0;
    const plain = sqsConsumer(context, schema, handle, (m) => m.g).with(deps);
    expect((await plain(event, {} as never)).batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a1']);
    expect(handled.sort()).toEqual(['a2', 'b1', 'b2']);
  });
});
