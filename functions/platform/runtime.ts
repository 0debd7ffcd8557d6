/**
 * What every handler needs, built once per container from the parsed config: the clock,
 * the id generator, the DynamoDB document client and table names. Tests and the local
 * stack replace it with `setRuntime` (for example with a ManualClock).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config, type Config } from './config.ts';
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

export function createRuntime(overrides: Partial<Omit<Runtime, 'table'>> = {}): Runtime {
  const cfg = overrides.config ?? config();
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

let current: Runtime | undefined;

export function runtime(): Runtime {
  current ??= createRuntime();
  return current;
}

export function setRuntime(r: Runtime | undefined): void {
  current = r;
}
