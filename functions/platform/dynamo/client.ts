/**
 * The DynamoDB document client, configured once. Integers read back as `bigint` (money
 * never passes through a float); non-integers read as `number`. Undefined members are
 * dropped on write.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const INTEGER = /^-?\d+$/;

/** Integers become bigint, everything else a number. */
export const readNumber = (value: string): bigint | number => (INTEGER.test(value) ? BigInt(value) : Number(value));

export function documentClient(base: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: readNumber },
  });
}

export interface DynamoOptions {
  region: string;
  endpoint?: string | undefined;
}

export function dynamoClient(opts: DynamoOptions): DynamoDBClient {
  const cfg: DynamoDBClientConfig = { region: opts.region, maxAttempts: 3 };
  if (opts.endpoint) {
    cfg.endpoint = opts.endpoint;
    // DynamoDB Local accepts any credentials; keep the key id alphanumeric.
    cfg.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return new DynamoDBClient(cfg);
}

/** Reads a bigint attribute, accepting the number form for robustness. */
export function big(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v);
  throw new TypeError(`expected an integer attribute, got ${String(v)}`);
}
