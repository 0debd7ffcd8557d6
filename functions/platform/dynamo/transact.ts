/**
 * TransactWriteItems with typed cancellation reasons and bounded retry.
 *
 * The SDK does not retry a cancelled transaction, so conflicts (another transaction on
 * the same item) and throttling are retried here with jitter. A failed condition is a
 * business fact and is never retried: it comes back as a TransactionCancelledError whose
 * reasons carry each item's label, so the domain can say *which* guard failed.
 */
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.ts';
import { readNumber } from './client.ts';

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One write with a label naming the guard (for example `debit:acct_x`). */
export interface LabelledItem {
  label: string;
  item: TxItem;
}

export interface CancellationReason {
  index: number;
  label: string;
  code: string;
  message?: string | undefined;
  item?: Record<string, unknown> | undefined;
}

export class TransactionCancelledError extends Error {
  constructor(readonly reasons: CancellationReason[]) {
    super(`transaction cancelled: ${reasons.map((r) => `${r.label}=${r.code}`).join(', ')}`);
    this.name = 'TransactionCancelledError';
  }
  /** The first reason that is a failed condition, if any. */
  failedCondition(): CancellationReason | undefined {
    return this.reasons.find((r) => r.code === 'ConditionalCheckFailed');
  }
  failed(label: string | RegExp): CancellationReason | undefined {
    return this.reasons.find((r) => r.code === 'ConditionalCheckFailed' && (typeof label === 'string' ? r.label === label : label.test(r.label)));
  }
}

const RETRYABLE_REASONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);
const RETRYABLE_ERRORS = new Set([
  'TransactionConflictException',
  'TransactionInProgressException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

/** Conflicts and throttles are transient; a failed condition is not. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof TransactionCancelledError) {
    const hasCondition = err.reasons.some((r) => r.code === 'ConditionalCheckFailed');
    return !hasCondition && err.reasons.some((r) => RETRYABLE_REASONS.has(r.code));
  }
  const name = (err as { name?: string })?.name;
  return name !== undefined && RETRYABLE_ERRORS.has(name);
}

/** Decodes an SDK TransactionCanceledException into labelled reasons. */
export function decodeCancellation(err: unknown, labels: string[]): TransactionCancelledError | undefined {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string; Message?: string; Item?: Record<string, unknown> }> };
  if (e?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (e.CancellationReasons ?? [])
    .map((r, index) => ({
      index,
      label: labels[index] ?? `#${index}`,
      code: r.Code ?? 'Unknown',
      message: r.Message,
      // The document client does not unmarshall exception contents: do it here, bigint-safe.
      item: r.Item ? unmarshall(r.Item as never, { wrapNumbers: readNumber }) : undefined,
    }))
    .filter((r) => r.code !== 'None');
  return new TransactionCancelledError(reasons);
}

export interface TransactOptions {
  /** DynamoDB's own 10-minute idempotency token; our longer-lived records sit above this. */
  clientRequestToken?: string;
  retry?: RetryPolicy;
}

export async function transactWrite(doc: DynamoDBDocumentClient, items: LabelledItem[], opts: TransactOptions = {}): Promise<void> {
  if (items.length === 0) return;
  if (items.length > 100) throw new RangeError(`a transaction holds at most 100 items, got ${items.length}`);
  const labels = items.map((i) => i.label);
  const TransactItems = items.map(({ item }) => withOldValuesOnFailure(item));
  await withRetry(
    async () => {
      try {
        await doc.send(new TransactWriteCommand({ TransactItems, ClientRequestToken: opts.clientRequestToken }));
      } catch (err) {
        throw decodeCancellation(err, labels) ?? err;
      }
    },
    isRetryable,
    opts.retry ?? DEFAULT_RETRY,
  );
}

function withOldValuesOnFailure(item: TxItem): TxItem {
  const out = { ...item } as Record<string, Record<string, unknown>>;
  for (const kind of ['Put', 'Update', 'Delete', 'ConditionCheck'] as const) {
    const op = out[kind];
    if (op && op.ConditionExpression && !op.ReturnValuesOnConditionCheckFailure) {
      out[kind] = { ...op, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };
    }
  }
  return out as TxItem;
}
