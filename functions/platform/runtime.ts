/**
 * What every context builds on, made once per container from the parsed config: the
 * clock, the id generator, the DynamoDB document client, table names, the event bus and
 * the queues. A Lambda entry makes it from its environment (platform/compose.ts); the
 * local stack and tests make one with their own engines and clock and give it to every
 * context's composition.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig, type Config } from './config.ts';
import { systemClock, type Clock } from './clock.ts';
import { idGenerator, type IdGenerator } from './ids.ts';
import { documentClient, dynamoClient } from './dynamo/client.ts';
import { tableName, type TableId } from '../definitions/tables.ts';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher, type EventPublisher } from './events.ts';
import { SqsSender, sqsClient, type QueueSender } from './queue.ts';

export interface Runtime {
  config: Config;
  clock: Clock;
  ids: IdGenerator;
  doc: DynamoDBDocumentClient;
  table(id: TableId): string;
  events: EventPublisher;
  queues: QueueSender;
}

export function createRuntime(cfg: Config, overrides: Partial<Omit<Runtime, 'table' | 'config'>> = {}): Runtime {
  const clock = overrides.clock ?? systemClock;
  const doc = overrides.doc ?? documentClient(dynamoClient({ region: cfg.AWS_REGION, endpoint: cfg.DYNAMODB_ENDPOINT }));
  // Clients for events and queues are built on first use: most handlers never need them.
  let events = overrides.events;
  let queues = overrides.queues;
  return {
    config: cfg,
    clock,
    ids: overrides.ids ?? idGenerator(clock),
    doc,
    table: (id) => tableName(cfg.VRACU_TABLE_PREFIX, id),
    get events() {
      events ??= new EventBridgePublisher(new EventBridgeClient({ region: cfg.AWS_REGION }), cfg.VRACU_EVENT_BUS);
      return events;
    },
    get queues() {
      queues ??= new SqsSender(sqsClient(cfg.AWS_REGION, cfg.SQS_ENDPOINT), cfg.VRACU_QUEUE_URLS);
      return queues;
    },
  };
}

/** The runtime a Lambda entry makes from its environment. */
export const runtimeFromEnv = (env: Readonly<Record<string, string | undefined>>): Runtime => createRuntime(loadConfig(env));
