/**
 * Creates the tables and queues of the shared definitions on the local engines. Idempotent:
 * existing tables and queues are kept (a persisted `.vracu/` survives restarts).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TABLES, tableName, type TableDef } from '../functions/definitions/tables.ts';
import { QUEUES, queueName, type QueueId } from '../functions/definitions/queues.ts';

export function createTableInput(prefix: string, def: TableDef): CreateTableCommandInput {
  const attrs = new Set<string>([def.pk, def.sk, ...def.gsis.flatMap((g) => [g.pk, g.sk])]);
  return {
    TableName: tableName(prefix, def.id as keyof typeof TABLES),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: def.pk, KeyType: 'HASH' },
      { AttributeName: def.sk, KeyType: 'RANGE' },
    ],
    ...(def.gsis.length
      ? {
          GlobalSecondaryIndexes: def.gsis.map((g) => ({
            IndexName: g.name,
            KeySchema: [
              { AttributeName: g.pk, KeyType: 'HASH' },
              { AttributeName: g.sk, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}

export async function ensureTables(ddb: DynamoDBClient, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for (const def of Object.values(TABLES) as TableDef[]) {
    const input = createTableInput(prefix, def);
    names.push(input.TableName!);
    try {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
      await addMissingIndexes(ddb, input, new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName!)));
      continue;
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    }
    await ddb.send(new CreateTableCommand(input));
    if (def.ttl) {
      await ddb.send(new UpdateTimeToLiveCommand({ TableName: input.TableName, TimeToLiveSpecification: { AttributeName: def.ttl, Enabled: true } }));
    }
  }
  return names;
}

/** A table kept from an older definition gets the indexes added since (one at a time, as DynamoDB allows). */
async function addMissingIndexes(ddb: DynamoDBClient, input: CreateTableCommandInput, existing: Set<string>): Promise<void> {
  for (const gsi of input.GlobalSecondaryIndexes ?? []) {
    if (existing.has(gsi.IndexName!)) continue;
    const used = new Set(gsi.KeySchema!.map((k) => k.AttributeName!));
    await ddb.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        AttributeDefinitions: input.AttributeDefinitions!.filter((a) => used.has(a.AttributeName!)),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: gsi.IndexName!, KeySchema: gsi.KeySchema!, Projection: gsi.Projection! } }],
      }),
    );
  }
}

export type QueueUrls = Record<QueueId, string>;

/** Creates each queue and its DLQ with the redrive policy; returns queue URLs by id. */
export async function ensureQueues(sqs: SQSClient, prefix: string): Promise<QueueUrls> {
  const urls = {} as QueueUrls;
  for (const [id, q] of Object.entries(QUEUES) as [QueueId, (typeof QUEUES)[QueueId]][]) {
    const fifo = q.fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
    const dlq = await sqs.send(
      new CreateQueueCommand({ QueueName: queueName(prefix, q, true), Attributes: { ...fifo, MessageRetentionPeriod: String(q.dlqRetentionSec) } }),
    );
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const main = await sqs.send(
      new CreateQueueCommand({
        QueueName: queueName(prefix, q),
        Attributes: {
          ...fifo,
          VisibilityTimeout: String(q.visibilityTimeoutSec),
          MessageRetentionPeriod: String(q.retentionSec),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: q.maxReceiveCount }),
        },
      }),
    );
    urls[id] = main.QueueUrl!;
  }
  return urls;
}
