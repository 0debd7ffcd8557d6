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

export interface Runtime {
  config: Config;
  clock: Clock;
  ids: IdGenerator;
  doc: DynamoDBDocumentClient;
  table(id: TableId): string;
}

export function createRuntime(overrides: Partial<Omit<Runtime, 'table'>> = {}): Runtime {
  const cfg = overrides.config ?? config();
  const clock = overrides.clock ?? systemClock;
  const doc = overrides.doc ?? documentClient(dynamoClient({ region: cfg.AWS_REGION, endpoint: cfg.DYNAMODB_ENDPOINT }));
  return {
    config: cfg,
    clock,
    ids: overrides.ids ?? idGenerator(clock),
    doc,
    table: (id) => tableName(cfg.VRACU_TABLE_PREFIX, id),
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
