/**
 * The SQS consumer factory (beside httpHandler): Lambda's partial-batch contract with the
 * same Powertools logger, metrics and tracer as HTTP handlers. Each record's body is parsed
 * as JSON and by the queue's zod schema; a record that fails either is logged, counted
 * (`messagesInvalid`) and reported as failed, so the queue's redrive policy moves it to the
 * DLQ after maxReceiveCount — never silently dropped. Records with the same key run one
 * after another in batch order; other keys side by side. A record whose handling throws
 * is reported as failed and comes back after the visibility timeout. For a FIFO queue
 * (`stopGroupOnError`) the records after a failed one in its group are reported failed too,
 * unhandled, so a group is never applied out of order (Powertools' skipGroupOnError).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import { entry, type Composition, type Entry, type HasRuntime } from './compose.ts';
import { logger, metrics } from './observability.ts';
import { observed } from './observed.ts';

export function sqsConsumer<D extends HasRuntime, S extends z.ZodType>(
  composition: Composition<D>,
  schema: S,
  handle: (d: D, message: z.output<S>, record: SQSRecord) => Promise<string>,
  /** The ordering key of a message (for example its job id); one key's records run in order. */
  keyOf: (message: z.output<S>) => string = () => '',
  options: { stopGroupOnError?: boolean } = {},
): Entry<SQSEvent, SQSBatchResponse, D> {
  return entry(composition, (d) =>
    observed((event: SQSEvent, _context: Context) => consume(d, event, schema, handle, keyOf, options.stopGroupOnError ?? false)),
  );
}

type Parsed<T> = { record: SQSRecord; ok: true; message: T } | { record: SQSRecord; ok: false; why: string; issues?: unknown };

function parse<S extends z.ZodType>(record: SQSRecord, schema: S): Parsed<z.output<S>> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { record, ok: false, why: 'not JSON' };
  }
  const r = schema.safeParse(body);
  return r.success ? { record, ok: true, message: r.data } : { record, ok: false, why: 'does not match the schema', issues: r.error.issues };
}

async function consume<D extends HasRuntime, S extends z.ZodType>(
  d: D,
  event: SQSEvent,
  schema: S,
  handle: (d: D, message: z.output<S>, record: SQSRecord) => Promise<string>,
  keyOf: (message: z.output<S>) => string,
  stopGroupOnError: boolean,
): Promise<SQSBatchResponse> {
  const failed: string[] = [];
  const groups = new Map<string, { record: SQSRecord; message: z.output<S> }[]>();
  for (const p of event.Records.map((r) => parse(r, schema))) {
    if (!p.ok) {
      logger.error('invalid message: it goes to the DLQ after the redrive count', { messageId: p.record.messageId, why: p.why, issues: p.issues });
      metrics.addMetric('messagesInvalid', MetricUnit.Count, 1);
      failed.push(p.record.messageId);
      continue;
    }
    const key = keyOf(p.message);
    groups.set(key, [...(groups.get(key) ?? []), { record: p.record, message: p.message }]);
  }
  await Promise.all(
    [...groups.values()].map(async (items) => {
      let stopped = false;
      for (const { record, message } of items) {
        if (stopped) {
          failed.push(record.messageId);
          continue;
        }
        try {
          const outcome = await handle(d, message, record);
          logger.debug('message handled', { messageId: record.messageId, outcome });
          metrics.addMetric('messagesHandled', MetricUnit.Count, 1);
        } catch (err) {
          logger.error('message failed; it will be retried', { messageId: record.messageId, error: err as Error });
          metrics.addMetric('messagesFailed', MetricUnit.Count, 1);
          failed.push(record.messageId);
          stopped = stopGroupOnError;
        }
      }
    }),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * The same contract for a consumer that handles a batch at once (messages that belong together,
 * for example one buyer's completions on one provider, applied in one transaction). `handle`
 * gets every valid message of the batch and answers which message ids failed (they come back);
 * a throw fails the whole batch.
 */
export function sqsBatchConsumer<D extends HasRuntime, S extends z.ZodType>(
  composition: Composition<D>,
  schema: S,
  handle: (d: D, messages: { message: z.output<S>; record: SQSRecord }[]) => Promise<{ failed: string[]; outcome: string }>,
): Entry<SQSEvent, SQSBatchResponse, D> {
  return entry(composition, (d) =>
    observed(async (event: SQSEvent, _context: Context) => {
      const failed: string[] = [];
      const valid: { message: z.output<S>; record: SQSRecord }[] = [];
      for (const p of event.Records.map((r) => parse(r, schema))) {
        if (p.ok) valid.push({ message: p.message, record: p.record });
        else {
          logger.error('invalid message: it goes to the DLQ after the redrive count', { messageId: p.record.messageId, why: p.why, issues: p.issues });
          metrics.addMetric('messagesInvalid', MetricUnit.Count, 1);
          failed.push(p.record.messageId);
        }
      }
      if (valid.length > 0) {
        try {
          const r = await handle(d, valid);
          logger.debug('batch handled', { outcome: r.outcome, failed: r.failed.length });
          metrics.addMetric('messagesHandled', MetricUnit.Count, valid.length - r.failed.length);
          if (r.failed.length) metrics.addMetric('messagesFailed', MetricUnit.Count, r.failed.length);
          failed.push(...r.failed);
        } catch (err) {
          logger.error('batch failed; it will be retried', { error: err as Error });
          metrics.addMetric('messagesFailed', MetricUnit.Count, valid.length);
          failed.push(...valid.map((v) => v.record.messageId));
        }
      }
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    }),
  );
}
