/**
 * A Runtime on the real DynamoDB Local with freshly created tables under a unique prefix,
 * installed as the process runtime so handlers under test use it.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock, type Clock } from '../../functions/platform/clock.ts';
import { idGenerator, seededPrng } from '../../functions/platform/ids.ts';
import { loadConfig } from '../../functions/platform/config.ts';
import { documentClient } from '../../functions/platform/dynamo/client.ts';
import { createRuntime, setRuntime, type Runtime } from '../../functions/platform/runtime.ts';
import { ensureQueues, ensureTables, type QueueUrls } from '../../local/provision.ts';
import { enforceWriteRules } from '../../local/write-rules.ts';

export interface TestEnv {
  rt: Runtime;
  clock: ManualClock;
  prefix: string;
  ddb: DynamoDBClient;
  sqs: SQSClient;
  queues?: QueueUrls;
}

export function localDynamo(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

export function localSqs(): SQSClient {
  return new SQSClient({ endpoint: inject('sqsEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

export async function testEnv(opts: { clock?: ManualClock; seed?: number; queues?: boolean; ddb?: DynamoDBClient } = {}): Promise<TestEnv> {
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
  });
  const rt = createRuntime({ config, clock: clock as Clock, doc: documentClient(ddb), ids: idGenerator(clock, seededPrng(opts.seed ?? 1)) });
  setRuntime(rt);
  return { rt, clock, prefix, ddb, sqs, ...(queues ? { queues } : {}) };
}
