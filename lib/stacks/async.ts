/**
 * Async: everything that runs off the request path.
 * - One SQS queue per entry of QUEUES with its DLQ (SSL enforced, SQS-managed
 *   encryption, DLQ retention longer than the queue's, maxReceiveCount from the
 *   definition) and its consumer function (partial batch responses).
 * - The domain event bus.
 * - One EventBridge Scheduler schedule per entry of SCHEDULES, invoking its function.
 * - One EventBridge rule per entry of EVENT_RULES, delivering to its queue.
 * Failed schedule invocations and undeliverable rule events land in two more DLQs.
 */
import { type CfnElement, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUES, queueName, type QueueDef, type QueueId } from '../../functions/definitions/queues.ts';
import { EVENT_RULES, SCHEDULES, type EventRuleDef, type ScheduleDef } from '../../functions/definitions/schedules.ts';
import { exchangeFunction, type Platform } from '../constructs/exchange-function.ts';
import type { VrAcuFunction } from '../constructs/function.ts';
import { consumerId, lambdaDefs, scheduleFunctionId } from '../lambdas.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../settings.ts';
import type { ComputeStack } from './compute.ts';
import { pascal, type DataStack } from './data.ts';

export interface AsyncStackProps extends StackProps {
  settings: StageSettings;
  data: DataStack;
  compute: ComputeStack;
}

/** A dead-letter queue the stage watches (alarm on any visible message). */
export interface WatchedDlq {
  queue: sqs.Queue;
  /** Physical name, known at synth time (metric dimension). */
  name: string;
  description: string;
}

/** Fourteen days: the longest SQS keeps a message. */
const MAX_RETENTION_SEC = 14 * 86_400;

export class AsyncStack extends Stack {
  readonly queues: Record<QueueId, sqs.Queue>;
  readonly deadLetterQueues: Record<QueueId, sqs.Queue>;
  /** Failed asynchronous invocations of schedule functions and failed schedule deliveries. */
  readonly scheduleDlq: sqs.Queue;
  /** Events EventBridge rules could not deliver to their queue. */
  readonly eventRuleDlq: sqs.Queue;
  readonly bus: events.EventBus;
  /** Queue consumers and schedule functions. */
  readonly functions: VrAcuFunction[] = [];
  /** Every DLQ of the stage, for alarms. */
  readonly watchedDlqs: WatchedDlq[] = [];

  constructor(scope: Construct, id: string, props: AsyncStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const prefix = settings.prefix;

    const queues = {} as Record<QueueId, sqs.Queue>;
    const dlqs = {} as Record<QueueId, sqs.Queue>;
    for (const [queueId, def] of Object.entries(QUEUES) as [QueueId, QueueDef][]) {
      validateQueue(def);
      const dlqName = queueName(prefix, def, true);
      const dlq = this.deadLetterQueue(`${pascal(def.id)}Dlq`, dlqName, def.dlqRetentionSec, def.fifo);
      this.watchedDlqs.push({ queue: dlq, name: dlqName, description: `DLQ of ${def.id}` });
      dlqs[queueId] = dlq;
      queues[queueId] = new sqs.Queue(this, `${pascal(def.id)}Queue`, {
        queueName: queueName(prefix, def),
        fifo: def.fifo ? true : undefined,
        visibilityTimeout: Duration.seconds(def.visibilityTimeoutSec),
        retentionPeriod: Duration.seconds(def.retentionSec),
        deadLetterQueue: { queue: dlq, maxReceiveCount: def.maxReceiveCount },
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: settings.removalPolicy,
      });
    }
    this.queues = queues;
    this.deadLetterQueues = dlqs;

    this.scheduleDlq = this.deadLetterQueue('ScheduleDlq', `${prefix}-schedules-dlq`, MAX_RETENTION_SEC, false);
    this.watchedDlqs.push({ queue: this.scheduleDlq, name: `${prefix}-schedules-dlq`, description: 'Failed schedule invocations' });
    this.eventRuleDlq = this.deadLetterQueue('EventRuleDlq', `${prefix}-event-rules-dlq`, MAX_RETENTION_SEC, false);
    acknowledge(
      this.eventRuleDlq,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the EventBridge rule targets (target DeadLetterConfig), a use cdk-nag does not detect.',
    );
    this.watchedDlqs.push({ queue: this.eventRuleDlq, name: `${prefix}-event-rules-dlq`, description: 'Undeliverable rule events' });

    this.bus = new events.EventBus(this, 'DomainBus', {
      eventBusName: `${prefix}-domain`,
      description: 'Domain events of the exchange (source vracu.exchange)',
    });

    const platform: Platform = { settings, data: props.data, compute: props.compute, queues, bus: this.bus };
    const defs = new Map(lambdaDefs().map((d) => [d.id, d]));

    for (const [queueId, def] of Object.entries(QUEUES) as [QueueId, QueueDef][]) {
      const fn = exchangeFunction(this, `${pascal(def.id)}Consumer`, defs.get(consumerId(def))!, platform);
      fn.addEventSource(
        new SqsEventSource(queues[queueId], {
          batchSize: def.consumer.batchSize,
          maxBatchingWindow: def.consumer.batchSize > 10 ? Duration.seconds(1) : undefined,
          reportBatchItemFailures: true,
        }),
      );
      acknowledge(
        fn,
        'Serverless-LambdaEventSourceMappingDestination',
        'SQS event source mappings take no on-failure destination: a message that keeps failing moves to the queue redrive DLQ after maxReceiveCount receives.',
      );
      this.functions.push(fn);
    }

    for (const def of Object.values(SCHEDULES) as ScheduleDef[]) {
      if (def.everySec % 60 !== 0 || def.everySec < 60) {
        throw new Error(`schedule "${def.id}": everySec must be a whole number of minutes (EventBridge rates), got ${def.everySec}`);
      }
      const fn = exchangeFunction(this, `${pascal(def.id)}Schedule`, defs.get(scheduleFunctionId(def))!, platform, {
        deadLetterQueue: this.scheduleDlq,
      });
      new scheduler.Schedule(this, `${pascal(def.id)}Rate`, {
        scheduleName: `${prefix}-${def.id}`,
        description: def.description.slice(0, 512),
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(def.everySec / 60)),
        target: new schedulerTargets.LambdaInvoke(fn, {
          role: this.schedulerRole(def, fn),
          deadLetterQueue: this.scheduleDlq,
          retryAttempts: 2,
          // A run older than one period is superseded by the next one.
          maxEventAge: Duration.seconds(Math.min(86_400, Math.max(60, def.everySec))),
        }),
      });
      this.functions.push(fn);
    }

    for (const rule of Object.values(EVENT_RULES) as EventRuleDef[]) {
      const target = QUEUES[rule.targetQueue] as QueueDef;
      // AWS service events (aws.*) arrive on the default bus; ours on the domain bus.
      const awsSource = rule.pattern.source.every((s) => s.startsWith('aws.'));
      const own = rule.pattern.detail;
      const detail = rule.pattern.source.includes('aws.ecs') ? { clusterArn: [props.compute.cluster.clusterArn] } : own ? { ...own } : undefined;
      new events.Rule(this, `${pascal(rule.id)}Rule`, {
        ruleName: `${prefix}-${rule.id}`,
        description: rule.description,
        eventBus: awsSource ? undefined : this.bus,
        eventPattern: { source: [...rule.pattern.source], detailType: [...rule.pattern['detail-type']], detail },
        targets: [
          new eventTargets.SqsQueue(queues[rule.targetQueue], {
            deadLetterQueue: this.eventRuleDlq,
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
            messageGroupId: target.fifo ? rule.id : undefined,
          }),
        ],
      });
    }
  }

  /** The role EventBridge Scheduler assumes to invoke one schedule's function. */
  private schedulerRole(def: ScheduleDef, fn: VrAcuFunction): iam.Role {
    const role = new iam.Role(this, `${pascal(def.id)}SchedulerRole`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `EventBridge Scheduler invoking ${fn.deployedName}`,
    });
    const fnLogicalId = this.getLogicalId(fn.node.defaultChild as CfnElement);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
      'lambda:InvokeFunction on this one function and its versions (ARN:*), as the CDK grants it; no other function.',
    );
    return role;
  }

  /** A DLQ: encrypted, SSL only; it has no DLQ of its own. */
  private deadLetterQueue(id: string, name: string, retentionSec: number, fifo: boolean): sqs.Queue {
    const q = new sqs.Queue(this, id, {
      queueName: name,
      fifo: fifo ? true : undefined,
      retentionPeriod: Duration.seconds(retentionSec),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(
      q,
      'Serverless-SQSRedrivePolicy',
      'This queue is itself a dead-letter queue: its messages wait for an operator (an alarm fires on the first one); a DLQ of a DLQ would only move them.',
    );
    return q;
  }
}

/** Invariants a queue definition must keep before it becomes infrastructure. */
export function validateQueue(def: QueueDef): void {
  if (def.dlqRetentionSec <= def.retentionSec) {
    throw new Error(`queue "${def.id}": the DLQ must keep messages longer than the queue (${def.dlqRetentionSec} <= ${def.retentionSec})`);
  }
  if (def.dlqRetentionSec > MAX_RETENTION_SEC) throw new Error(`queue "${def.id}": SQS keeps messages at most 14 days`);
  if (def.visibilityTimeoutSec < def.consumer.timeoutSec) {
    throw new Error(`queue "${def.id}": visibility timeout (${def.visibilityTimeoutSec} s) is shorter than its consumer's timeout`);
  }
  if (def.fifo && def.consumer.batchSize > 10) throw new Error(`queue "${def.id}": FIFO batches hold at most 10 messages`);
}
