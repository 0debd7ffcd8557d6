/**
 * Observability: the alarm topic (KMS-encrypted, SSL only, optional e-mail subscription),
 * alarms on every DLQ (any visible message), on every queue's oldest message, on API 5xx,
 * on every function's errors and on a reconciliation that found the ledger and the chain
 * apart, and one dashboard with API traffic, errors and latency, function errors, queue ages,
 * DLQ depth and payments (webhooks, credits, payouts, the payments queues' backlog).
 *
 * Metrics of queues and functions are named by their physical names (fixed at synth
 * time), so this stack imports nothing from the others but the API id.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, PAYMENTS_METRICS, serviceOf } from '../../functions/definitions/metrics.ts';
import { QUEUES, queueName, type QueueDef } from '../../functions/definitions/queues.ts';
import type { VrAcuFunction } from '../constructs/function.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../settings.ts';
import type { ApiStack } from './api.ts';
import type { AsyncStack } from './async.ts';
import { pascal } from './data.ts';

export interface ObservabilityStackProps extends StackProps {
  settings: StageSettings;
  api: ApiStack;
  async: AsyncStack;
}

const MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

const sqsMetric = (queue: string, metricName: string, statistic = 'Maximum'): cloudwatch.Metric =>
  new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName, dimensionsMap: { QueueName: queue }, statistic, period: MINUTE });

const lambdaMetric = (fn: string, metricName: string, statistic: string): cloudwatch.Metric =>
  new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: { FunctionName: fn }, statistic, period: FIVE_MINUTES });

/** A metric a context's functions emit through Powertools (functions/definitions/metrics.ts). */
const appMetric = (context: string, metricName: string, label?: string): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: serviceOf(context) },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    // A labelled metric turns an alarm into a metric-math one: only graphs get labels.
    ...(label ? { label } : {}),
  });

export class ObservabilityStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { settings, api, async } = props;
    const prefix = settings.prefix;

    const topicKey = new kms.Key(this, 'AlarmTopicKey', {
      alias: `alias/${prefix}-alarms`,
      description: `Encrypts the alarm topic of ${prefix}`,
      enableKeyRotation: true,
      removalPolicy: settings.removalPolicy,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic.
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${prefix}-alarms`,
      displayName: `VR-ACU ${settings.name} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (settings.config.alarmEmail) {
      const undelivered = new sqs.Queue(this, 'AlarmEmailDlq', {
        queueName: `${prefix}-alarm-email-dlq`,
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      acknowledge(
        undelivered,
        'AwsSolutions-SQS3',
        'This queue is the dead-letter queue of the alarm e-mail subscription (subscription RedrivePolicy), a use cdk-nag does not detect.',
      );
      acknowledge(
        undelivered,
        'Serverless-SQSRedrivePolicy',
        'This queue is itself the dead-letter queue of the alarm e-mail subscription; a DLQ of a DLQ would only move the notifications.',
      );
      this.alarmTopic.addSubscription(new EmailSubscription(settings.config.alarmEmail, { deadLetterQueue: undelivered }));
    }
    const action = new SnsAction(this.alarmTopic);
    const alarm = (id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const a = new cloudwatch.Alarm(this, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    // Queues: a message in any DLQ needs an operator; an old message means a stuck consumer.
    for (const dlq of async.watchedDlqs) {
      alarm(`${pascal(dlq.name)}NotEmpty`, {
        alarmName: `${dlq.name}-not-empty`,
        alarmDescription: `${dlq.description}: at least one message is waiting in ${dlq.name}`,
        metric: sqsMetric(dlq.name, 'ApproximateNumberOfMessagesVisible'),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
    for (const def of Object.values(QUEUES) as QueueDef[]) {
      const name = queueName(prefix, def);
      alarm(`${pascal(def.id)}OldestMessage`, {
        alarmName: `${name}-oldest-message`,
        alarmDescription: `The oldest message in ${name} is older than ${def.maxAgeAlarmSec} s: its consumer is stuck or too slow`,
        metric: sqsMetric(name, 'ApproximateAgeOfOldestMessage'),
        threshold: def.maxAgeAlarmSec,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    // API: a 5xx is a bug.
    const api5xx = api.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    alarm('Api5xx', {
      alarmName: `${prefix}-api-5xx`,
      alarmDescription: 'The API answered 5xx: every 5xx is a bug',
      metric: api5xx,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    // Functions: an unhandled error (a thrown exception, a timeout) in any function.
    const functions: VrAcuFunction[] = [api.authorizerFunction, ...Object.values(api.routeFunctions), ...async.functions];
    for (const fn of functions) {
      alarm(`${pascal(fn.def.id)}Errors`, {
        alarmName: `${fn.deployedName}-errors`,
        alarmDescription: `${fn.deployedName} failed (unhandled error or timeout)`,
        metric: lambdaMetric(fn.deployedName, 'Errors', 'Sum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    // Payments: the scheduled reconciliation found the ledger and the chain apart.
    alarm('PaymentsReconcileDifferences', {
      alarmName: `${prefix}-payments-reconcile-differences`,
      alarmDescription: 'The reconciliation found differences between the ledger and the chain (vracu payments reconcile lists them)',
      metric: appMetric('payments', PAYMENTS_METRICS.reconcileDifferences),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: prefix, defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [api.httpApi.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' })],
        right: [api.httpApi.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' }), api5xx],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        left: ['p50', 'p90', 'p99'].map((p) => api.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: p, label: p })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: functions.map((fn) => lambdaMetric(fn.deployedName, 'Errors', 'Sum').with({ label: fn.def.id })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        left: functions.map((fn) => lambdaMetric(fn.deployedName, 'Duration', 'p99').with({ label: fn.def.id })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DLQ depth',
        left: async.watchedDlqs.map((d) => sqsMetric(d.name, 'ApproximateNumberOfMessagesVisible').with({ label: d.name })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Oldest message age (s)',
        left: (Object.values(QUEUES) as QueueDef[]).map((def) => sqsMetric(queueName(prefix, def), 'ApproximateAgeOfOldestMessage').with({ label: def.id })),
        width: 12,
      }),
    );
    const m = PAYMENTS_METRICS;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Stripe webhooks',
        left: [appMetric('payments', m.webhooksReceived, 'received'), appMetric('payments', m.webhooksRefused, 'refused')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Credits and payouts',
        left: [appMetric('payments', m.creditsMinted, 'credits minted'), appMetric('payments', m.refundsApplied, 'refunds applied')],
        right: [appMetric('payments', m.payoutsPaid, 'payouts paid'), appMetric('payments', m.payoutsFailed, 'payouts failed')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Payments backlog (messages waiting)',
        left: [QUEUES.stripeEvents, QUEUES.payouts].map((def) =>
          sqsMetric(queueName(prefix, def), 'ApproximateNumberOfMessagesVisible').with({ label: def.id }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }
}
