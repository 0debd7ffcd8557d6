/**
 * A Runtime on the real DynamoDB Local with freshly created tables under a unique prefix,
 * and every context composed on it (functions/api/contexts.ts), so handlers under test run
 * on it through `invoke` (local/modules.ts), as on the local stack.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock, type Clock } from '../../functions/platform/clock.ts';
import { idGenerator, seededPrng } from '../../functions/platform/ids.ts';
import { loadConfig } from '../../functions/platform/config.ts';
import { documentClient } from '../../functions/platform/dynamo/client.ts';
import { createRuntime, type Runtime } from '../../functions/platform/runtime.ts';
import { composeContexts, type Compositions } from '../../functions/api/contexts.ts';
import { invoker, type Invoke } from '../../local/modules.ts';
import { ensureQueues, ensureTables, type QueueUrls } from '../../local/provision.ts';
import { enforceWriteRules } from '../../local/write-rules.ts';

export interface TestEnv {
  rt: Runtime;
  clock: ManualClock;
  prefix: string;
  ddb: DynamoDBClient;
  sqs: SQSClient;
  queues?: QueueUrls;
  /** Every context composed on `rt` (add `jobs` to run jobs handlers). */
  compositions: Compositions;
  /** Runs a handler entry on `compositions`. */
  invoke: Invoke;
}

/** What a test runtime is made of, for tests that build their own (with a bus, say). */
export interface RuntimeParts {
  config: ReturnType<typeof loadConfig>;
  clock: ManualClock;
  doc: Runtime['doc'];
  ids: Runtime['ids'];
  sqs: SQSClient;
}

let current: TestEnv | undefined;

/** The test env made last in this file: what `call`-style helpers run handlers on. */
export function currentEnv(): TestEnv {
  if (!current) throw new Error('no test env: call testEnv() first (in beforeAll/beforeEach)');
  return current;
}

export function localDynamo(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

export function localSqs(): SQSClient {
  return new SQSClient({ endpoint: inject('sqsEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

export async function testEnv(
  opts: { clock?: ManualClock; seed?: number; queues?: boolean; ddb?: DynamoDBClient; runtime?: (parts: RuntimeParts) => Runtime } = {},
): Promise<TestEnv> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  // The cloud's IAM table write rules, enforced on the local engine (local/write-rules.ts).
  const ddb = enforceWriteRules(opts.ddb ?? localDynamo());
  const sqs = localSqs();
  await ensureTables(ddb, prefix);
  const queues = opts.queues ? await ensureQueues(sqs, prefix) : undefined;
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 10, 23, 12));
  const config = loadConfig({
    VRACU_STAGE: 'test',
    VRACU_TABLE_PREFIX: prefix,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    SQS_ENDPOINT: inject('sqsEndpoint'),
    VRACU_QUEUE_URLS: JSON.stringify(queues ?? {}),
    VRACU_VALIDATE_RESPONSES: 'true',
  });
  const parts: RuntimeParts = { config, clock, doc: documentClient(ddb), ids: idGenerator(clock, seededPrng(opts.seed ?? 1)), sqs };
  const rt = opts.runtime?.(parts) ?? createRuntime(config, { clock: clock as Clock, doc: parts.doc, ids: parts.ids });
  const compositions = composeContexts(rt);
  current = { rt, clock, prefix, ddb, sqs, ...(queues ? { queues } : {}), compositions, invoke: invoker(compositions) };
  return current;
}
