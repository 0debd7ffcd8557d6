/**
 * Builds one function of the exchange from its definition and wires what lib/access.ts
 * allows it: table grants, the queues it may send to (and only their URLs in
 * VRACU_QUEUE_URLS), the domain event bus, the job cluster, the payments secrets and the
 * artifacts bucket.
 */
import { Stack } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { QueueId } from '../../functions/definitions/queues.ts';
import type { TableId } from '../../functions/definitions/tables.ts';
import { privacyEnvironment, type PlatformEnv } from '../../functions/definitions/environment.ts';
import { accessFor, type TableAccess } from '../access.ts';
import type { LambdaDef } from '../lambdas.ts';
import type { StageSettings } from '../settings.ts';
import type { ComputeStack } from '../stacks/compute.ts';
import type { DataStack } from '../stacks/data.ts';
import { VrAcuFunction } from './function.ts';

/** What a function can be connected to; the stacks of a stage provide it. */
export interface Platform {
  settings: StageSettings;
  data: DataStack;
  compute: ComputeStack;
  queues: Record<QueueId, IQueue>;
  bus: IEventBus;
}

export function exchangeFunction(scope: Construct, id: string, def: LambdaDef, platform: Platform, options: { deadLetterQueue?: IQueue } = {}): VrAcuFunction {
  const access = accessFor(def);
  const sendTo = access.sendTo === 'all' ? (Object.keys(platform.queues) as QueueId[]) : access.sendTo;
  const queueUrls = Object.fromEntries(sendTo.map((q) => [q, platform.queues[q].queueUrl]));

  const fn = new VrAcuFunction(scope, id, {
    def,
    settings: platform.settings,
    deadLetterQueue: options.deadLetterQueue,
    environment: {
      VRACU_QUEUE_URLS: Stack.of(scope).toJsonString(queueUrls),
      VRACU_EVENT_BUS: platform.bus.eventBusName,
      ...(access.runJobs ? platform.compute.jobEnvironment() : {}),
      ...(access.activateNodes ? platform.compute.anywhereEnvironment() : {}),
      ...(access.releaseKeys ? privacyEnvironment({ broker: 'aws_kms', kmsKeyId: platform.compute.jobDataKeys.key.keyArn }) : {}),
    } satisfies Partial<Record<keyof PlatformEnv, string>> & Record<string, string>,
  });
  // Names and ARNs only; the values are read from Secrets Manager at the function's start.
  if (access.payments) for (const [k, v] of Object.entries(platform.data.paymentsSecrets.wire(fn, access.payments))) fn.addEnvironment(k, v);
  // The bucket's name and the wrapping key's ARN; the object and key uses lib/access.ts lists.
  if (access.artifacts) for (const [k, v] of Object.entries(platform.data.artifacts.wire(fn, access.artifacts))) fn.addEnvironment(k, v);

  for (const [tableId, level] of Object.entries(access.tables) as [TableId, TableAccess][]) {
    platform.data.grant(fn, tableId, level);
  }
  for (const q of sendTo) platform.queues[q].grantSendMessages(fn);
  if (access.publishEvents) platform.bus.grantPutEventsTo(fn);
  if (access.runJobs) platform.compute.grantRunJobs(fn);
  if (access.releaseKeys) platform.compute.jobDataKeys.grantGenerateDataKey(fn.grantPrincipal);
  if (access.activateNodes) platform.compute.grantActivateNodes(fn);
  return fn;
}
