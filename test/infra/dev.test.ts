/**
 * Contract tests of the dev stage against the definitions: every route, queue, schedule,
 * event rule and table in functions/definitions becomes what the design says, with zero
 * unacknowledged cdk-nag findings.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../functions/api/routes.ts';
import { AUTHORIZER } from '../../functions/definitions/authorizer.ts';
import { FALLBACK } from '../../functions/definitions/fallback.ts';
import { METRICS_NAMESPACE, PAYMENTS_METRICS, serviceOf } from '../../functions/definitions/metrics.ts';
import { QUEUES, queueName, type QueueDef } from '../../functions/definitions/queues.ts';
import { EVENT_RULES, SCHEDULES, type EventRuleDef, type ScheduleDef } from '../../functions/definitions/schedules.ts';
import { TABLES, tableName, type TableDef, type TableId } from '../../functions/definitions/tables.ts';
import { parseEnvironments } from '../../lib/config.ts';
import { lambdaDefs } from '../../lib/lambdas.ts';
import { JOB_TASK_VOLUMES, SIDECAR_READY_PATH, SIDECAR_WIPE_DIRS } from '../../functions/definitions/job-task.ts';
import { asArray, CDK_CONTEXT, refId, resources, synthEnvironment, type Synthesized } from './support.ts';

const ENV = 'dev';
const config = parseEnvironments(CDK_CONTEXT.environments).find((e) => e.name === ENV)!.config;
const prefix = `vracu-${ENV}`;
const queueDefs = Object.values(QUEUES) as QueueDef[];

/** `rate(5 minutes)` → 300. */
function rateSec(expr: string): number {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expr);
  if (!m) throw new Error(`not a rate expression: ${expr}`);
  return Number(m[1]) * { minute: 60, hour: 3600, day: 86_400 }[m[2] as 'minute' | 'hour' | 'day'];
}

let s: Synthesized;
beforeAll(() => {
  s = synthEnvironment(ENV);
});

describe('cdk-nag', () => {
  it('synthesizes with zero unacknowledged AwsSolutions and Serverless findings', () => {
    expect(s.synthError?.message).toBeUndefined();
  });
});

describe('API', () => {
  it('has one function per route plus the authorizer and the $default fallback, named after their ids', () => {
    // Route functions are split over two stacks (CloudFormation's 500 resources per stack): ApiStack and ApiRoutesStack.
    const fns = [s.t.api, s.t.apiRoutes].flatMap((t) => Object.values(resources(t, 'AWS::Lambda::Function')));
    expect(fns).toHaveLength(ROUTES.length + 2);
    const names = fns.map((f) => f.Properties!.FunctionName).sort();
    expect(names).toEqual([...ROUTES.map((r) => `${prefix}-${r.id}`), `${prefix}-${AUTHORIZER.id}`, `${prefix}-${FALLBACK.id}`].sort());
  });

  it('routes every `METHOD path` of the route table to its own function, and what none matches to the fallback', () => {
    const all = [s.t.api, s.t.apiRoutes].flatMap((t) => Object.values(resources(t, 'AWS::ApiGatewayV2::Route')));
    expect(all.map((r) => r.Properties!.RouteKey).sort()).toEqual([...ROUTES.map((r) => `${r.method} ${r.path}`), '$default'].sort());
    const fallback = all.find((r) => r.Properties!.RouteKey === '$default')!.Properties!;
    expect([undefined, 'NONE']).toContain(fallback.AuthorizationType);
    for (const t of [s.t.api, s.t.apiRoutes]) {
      const routes = Object.values(resources(t, 'AWS::ApiGatewayV2::Route'));
      const integrations = resources(t, 'AWS::ApiGatewayV2::Integration');
      const fnNames = Object.fromEntries(Object.entries(resources(t, 'AWS::Lambda::Function')).map(([id, f]) => [id, f.Properties!.FunctionName]));
      for (const route of ROUTES) {
        const r = routes.find((x) => x.Properties!.RouteKey === `${route.method} ${route.path}`);
        if (!r) continue;
        const target = JSON.stringify(r.Properties!.Target);
        const integrationId = Object.keys(integrations).find((id) => target.includes(id))!;
        const fnId = refId(integrations[integrationId]!.Properties!.IntegrationUri)!;
        expect(fnNames[fnId]).toBe(`${prefix}-${route.id}`);
      }
    }
  });

  it('puts the API-key authorizer on every non-public route and on no public one', () => {
    const [authorizerId] = Object.keys(resources(s.t.api, 'AWS::ApiGatewayV2::Authorizer'));
    s.t.apiRoutes.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const routes = [s.t.api, s.t.apiRoutes].flatMap((t) => Object.values(resources(t, 'AWS::ApiGatewayV2::Route')));
    for (const route of ROUTES) {
      const p = routes.find((x) => x.Properties!.RouteKey === `${route.method} ${route.path}`)!.Properties!;
      if (route.access === 'public') {
        expect([undefined, 'NONE']).toContain(p.AuthorizationType);
        expect(p.AuthorizerId).toBeUndefined();
      } else {
        expect(p.AuthorizationType).toBe('CUSTOM');
        // ApiStack refers to it; ApiRoutesStack imports ApiStack's export of it.
        expect(refId(p.AuthorizerId) ?? JSON.stringify(p.AuthorizerId)).toContain(authorizerId!);
      }
    }
  });

  it('authorizes by REQUEST with simple responses, with no identity source and no gateway cache (a missing key reaches it: the route answers problem+json)', () => {
    s.t.api.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    s.t.api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 0,
    });
    const [authorizer] = Object.values(resources(s.t.api, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer!.Properties!.IdentitySource ?? []).toEqual([]);
  });

  it('throttles the stage by default and each route that asks for its own limit', () => {
    const [stage] = Object.values(resources(s.t.api, 'AWS::ApiGatewayV2::Stage'));
    const p = stage!.Properties!;
    expect(p.StageName).toBe('$default');
    expect(p.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: config.api.throttle.rateLimit,
      ThrottlingBurstLimit: config.api.throttle.burstLimit,
    });
    const throttled = ROUTES.filter((r) => r.throttle);
    expect(Object.keys(p.RouteSettings ?? {}).sort()).toEqual(throttled.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of throttled) {
      expect(p.RouteSettings[`${r.method} ${r.path}`]).toEqual({
        ThrottlingRateLimit: r.throttle!.rateLimit,
        ThrottlingBurstLimit: r.throttle!.burstLimit,
      });
    }
  });

  it('writes JSON access logs to a log group with retention', () => {
    const [stage] = Object.values(resources(s.t.api, 'AWS::ApiGatewayV2::Stage'));
    const logs = stage!.Properties!.AccessLogSettings;
    const format = JSON.parse(logs.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    const groupId = refId(logs.DestinationArn)!;
    expect(resources(s.t.api, 'AWS::Logs::LogGroup')[groupId]!.Properties!.RetentionInDays).toBe(config.logRetentionDays);
  });
});

describe('functions', () => {
  const all = () => s.all.flatMap((t) => Object.values(resources(t, 'AWS::Lambda::Function')));

  it('there is one per definition (routes, authorizer, consumers, schedules) and nothing else', () => {
    expect(
      all()
        .map((f) => f.Properties!.FunctionName)
        .sort(),
    ).toEqual(
      lambdaDefs()
        .map((d) => `${prefix}-${d.id}`)
        .sort(),
    );
  });

  it('all run Node.js 22 on arm64 with active tracing, explicit memory and timeout', () => {
    for (const f of all()) {
      const p = f.Properties!;
      expect(p.Runtime, p.FunctionName).toBe('nodejs22.x');
      expect(p.Architectures, p.FunctionName).toEqual(['arm64']);
      expect(p.TracingConfig, p.FunctionName).toEqual({ Mode: 'Active' });
      expect(p.MemorySize, p.FunctionName).toBeGreaterThanOrEqual(128);
      expect(p.Timeout, p.FunctionName).toBeGreaterThan(0);
      expect(p.Handler).toBe('index.handler');
    }
  });

  it('take memory and timeout from their definition, else from the environment', () => {
    const byName = new Map(all().map((f) => [f.Properties!.FunctionName, f.Properties!]));
    for (const d of lambdaDefs()) {
      const p = byName.get(`${prefix}-${d.id}`)!;
      expect(p.MemorySize, d.id).toBe(d.memoryMb ?? config.lambda.memoryMb);
      expect(p.Timeout, d.id).toBe(d.timeoutSec ?? config.lambda.timeoutSec);
    }
  });

  it('get the configuration the functions parse at start', () => {
    for (const f of all()) {
      const env = f.Properties!.Environment.Variables;
      expect(env).toMatchObject({
        VRACU_STAGE: ENV,
        VRACU_TABLE_PREFIX: prefix,
        POWERTOOLS_METRICS_NAMESPACE: 'VrAcu',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(env.POWERTOOLS_SERVICE_NAME).toMatch(/^vracu-/);
      expect(env.VRACU_QUEUE_URLS).toBeDefined();
      expect(env.VRACU_EVENT_BUS).toBeDefined();
    }
  });

  it('log as JSON into their own log group with the environment retention', () => {
    for (const t of s.all) {
      const groups = resources(t, 'AWS::Logs::LogGroup');
      for (const f of Object.values(resources(t, 'AWS::Lambda::Function'))) {
        const cfg = f.Properties!.LoggingConfig;
        expect(cfg.LogFormat).toBe('JSON');
        const group = groups[refId(cfg.LogGroup)!]!;
        expect(group.Properties!.LogGroupName).toBe(`/aws/lambda/${f.Properties!.FunctionName}`);
        expect(group.Properties!.RetentionInDays).toBe(config.logRetentionDays);
      }
    }
  });

  it('every log group of the stage has a retention', () => {
    for (const t of s.all) {
      for (const [id, g] of Object.entries(resources(t, 'AWS::Logs::LogGroup'))) {
        expect(g.Properties?.RetentionInDays, id).toBe(config.logRetentionDays);
      }
    }
  });
});

describe('IAM', () => {
  const statements = () =>
    s.all.flatMap((t) => Object.values(resources(t, 'AWS::IAM::Policy')).flatMap((p) => p.Properties!.PolicyDocument.Statement as Record<string, any>[]));

  it('grants nothing on Resource * but X-Ray tracing, the ECR login token and tagged SSM activations', () => {
    const onStar = statements().filter((st) => asArray(st.Resource).includes('*'));
    const actions = new Set(onStar.flatMap((st) => asArray<string>(st.Action)));
    expect([...actions].sort()).toEqual(['ecr:GetAuthorizationToken', 'ssm:CreateActivation', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('uses no wildcard actions and no index/* on tables', () => {
    for (const st of statements()) {
      for (const a of asArray<string>(st.Action)) expect(a).not.toMatch(/\*/);
      expect(JSON.stringify(st.Resource)).not.toMatch(/index\/\*/);
    }
  });

  it('attaches no AWS managed policy to any function role (only to the ECS Anywhere instance role)', () => {
    for (const t of s.all) {
      for (const [id, role] of Object.entries(resources(t, 'AWS::IAM::Role'))) {
        if (t === s.t.compute && id.startsWith('ExternalInstancesInstanceRole')) continue;
        expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
      }
    }
  });

  it('grants each context only the tables, queues and bus its code uses', () => {
    const policyOf = (id: string): string => {
      const stack = s.all.find((t) => Object.values(resources(t, 'AWS::Lambda::Function')).some((f) => f.Properties!.FunctionName === `${prefix}-${id}`))!;
      const fn = Object.values(resources(stack, 'AWS::Lambda::Function')).find((f) => f.Properties!.FunctionName === `${prefix}-${id}`)!;
      const roleId = refId(fn.Properties!.Role)!;
      return JSON.stringify(Object.values(resources(stack, 'AWS::IAM::Policy')).filter((p) => asArray(p.Properties!.Roles).some((r) => refId(r) === roleId)));
    };
    const tablesIn = (json: string) =>
      (['auth', 'ledger', 'market', 'jobs', 'providers'] as const).filter((t) => new RegExp(`${t}Table|${prefix}-${t}\\b`, 'i').test(json));
    // A job function reaches no market or ledger table; a market one no jobs table; the ledger only its own.
    expect(tablesIn(policyOf('jobs-submit'))).toEqual(['jobs']);
    expect(tablesIn(policyOf('market-purchase'))).toEqual(['ledger', 'market']);
    expect(tablesIn(policyOf('ledger-mint'))).toEqual(['ledger']);
    // A join creates principal, key, ledger account and catalog entry at once; reading the directory touches only it.
    expect(tablesIn(policyOf('providers-join'))).toEqual(['auth', 'ledger', 'market', 'providers']);
    expect(tablesIn(policyOf('providers-get'))).toEqual(['providers']);
    expect(tablesIn(policyOf('providers-heartbeat'))).toEqual(['market', 'providers']);
    expect(policyOf('ledger-mint')).not.toMatch(/sqs:SendMessage|events:PutEvents/);
    expect(policyOf('market-purchase')).not.toMatch(/sqs:SendMessage|events:PutEvents|ecs:RunTask/);
  });

  it('keeps the health and OpenAPI routes away from every table', () => {
    const roles = resources(s.t.api, 'AWS::IAM::Role');
    const fns = Object.values(resources(s.t.api, 'AWS::Lambda::Function'));
    const policies = Object.values(resources(s.t.api, 'AWS::IAM::Policy'));
    for (const id of ['health', 'openapi']) {
      const fn = fns.find((f) => f.Properties!.FunctionName === `${prefix}-${id}`)!;
      const roleId = refId(fn.Properties!.Role)!;
      expect(roles[roleId]).toBeDefined();
      const own = policies.filter((p) => asArray(p.Properties!.Roles).some((r) => refId(r) === roleId));
      expect(JSON.stringify(own)).not.toMatch(/dynamodb:/);
    }
  });
});

describe('table write rules', () => {
  const documents = () =>
    s.all.flatMap((t) => Object.values(resources(t, 'AWS::IAM::Policy')).map((p) => p.Properties!.PolicyDocument.Statement as Record<string, any>[]));
  const onLedger = (st: Record<string, any>) => /LedgerTable/.test(JSON.stringify(st.Resource));

  it('every function writing the ledger is denied updates and deletes of transfers and entries, and any delete', () => {
    const writers = documents().filter((sts) => sts.some((st) => st.Effect === 'Allow' && onLedger(st) && asArray(st.Action).includes('dynamodb:PutItem')));
    expect(writers.length).toBeGreaterThan(10);
    for (const sts of writers) {
      const denies = sts.filter((st) => st.Effect === 'Deny' && onLedger(st));
      expect(denies).toContainEqual(expect.objectContaining({ Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'] }));
      expect(denies).toContainEqual(
        expect.objectContaining({
          Action: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
          Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': TABLES.ledger.writeOnce.map((p) => `${p}*`) } },
        }),
      );
    }
  });

  it('no statement allows a delete on the ledger table', () => {
    for (const st of documents().flat()) {
      if (st.Effect === 'Allow' && onLedger(st)) expect(asArray<string>(st.Action).filter((a) => /DeleteItem|BatchWriteItem/.test(a))).toEqual([]);
    }
  });
});

describe('queues', () => {
  const queues = () => resources(s.t.async, 'AWS::SQS::Queue');
  const byName = (name: string) => Object.entries(queues()).find(([, q]) => q.Properties!.QueueName === name)!;

  it.each(queueDefs.map((q) => [q.id, q] as const))('%s has a DLQ that keeps messages longer, after maxReceiveCount', (_id, def) => {
    const [, queue] = byName(queueName(prefix, def));
    const [dlqId, dlq] = byName(queueName(prefix, def, true));
    const redrive = queue.Properties!.RedrivePolicy;
    expect(redrive.maxReceiveCount).toBe(def.maxReceiveCount);
    expect(refId(redrive.deadLetterTargetArn)).toBe(dlqId);
    expect(dlq.Properties!.MessageRetentionPeriod).toBe(def.dlqRetentionSec);
    expect(queue.Properties!.MessageRetentionPeriod).toBe(def.retentionSec);
    expect(dlq.Properties!.MessageRetentionPeriod).toBeGreaterThan(queue.Properties!.MessageRetentionPeriod);
    expect(queue.Properties!.VisibilityTimeout).toBe(def.visibilityTimeoutSec);
  });

  it('every queue is encrypted and refuses requests without TLS', () => {
    const policies = Object.values(resources(s.t.async, 'AWS::SQS::QueuePolicy'));
    for (const [id, q] of Object.entries(queues())) {
      expect(q.Properties!.SqsManagedSseEnabled, id).toBe(true);
      const policy = policies.find((p) => p.Properties!.Queues.some((r: unknown) => refId(r) === id));
      expect(policy, id).toBeDefined();
      expect(policy!.Properties!.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });

  it.each(queueDefs.map((q) => [q.id, q] as const))('%s is consumed in batches with partial batch responses', (_id, def) => {
    const [queueId] = byName(queueName(prefix, def));
    const mappings = Object.values(resources(s.t.async, 'AWS::Lambda::EventSourceMapping'));
    const m = mappings.find((x) => refId(x.Properties!.EventSourceArn) === queueId)!;
    expect(m.Properties!.BatchSize).toBe(def.consumer.batchSize);
    expect(m.Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const fn = resources(s.t.async, 'AWS::Lambda::Function')[refId(m.Properties!.FunctionName)!]!;
    expect(fn.Properties!.FunctionName).toBe(`${prefix}-${def.id}-consumer`);
  });
});

describe('schedules and event rules', () => {
  it.each((Object.values(SCHEDULES) as ScheduleDef[]).map((d) => [d.id, d] as const))('%s runs at its rate with retries and a DLQ', (_id, def) => {
    s.t.async.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `${prefix}-${def.id}`,
      Target: Match.objectLike({ DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }), RetryPolicy: Match.anyValue() }),
    });
    const schedule = Object.values(resources(s.t.async, 'AWS::Scheduler::Schedule')).find((x) => x.Properties!.Name === `${prefix}-${def.id}`)!;
    expect(rateSec(schedule.Properties!.ScheduleExpression)).toBe(def.everySec);
    const fn = Object.values(resources(s.t.async, 'AWS::Lambda::Function')).find((f) => f.Properties!.FunctionName === `${prefix}-${def.id}-schedule`)!;
    expect(fn.Properties!.DeadLetterConfig?.TargetArn).toBeDefined();
  });

  it.each((Object.values(EVENT_RULES) as EventRuleDef[]).map((d) => [d.id, d] as const))('%s delivers matching events to its queue, with a DLQ', (_id, def) => {
    const [rule] = Object.values(resources(s.t.async, 'AWS::Events::Rule')).filter((r) => r.Properties!.Name === `${prefix}-${def.id}`);
    const p = rule!.Properties!;
    expect(p.EventPattern.source).toEqual(def.pattern.source);
    expect(p.EventPattern['detail-type']).toEqual(def.pattern['detail-type']);
    const target = QUEUES[def.targetQueue] as QueueDef;
    const queues = resources(s.t.async, 'AWS::SQS::Queue');
    expect(queues[refId(p.Targets[0].Arn)!]!.Properties!.QueueName).toBe(queueName(prefix, target));
    expect(p.Targets[0].DeadLetterConfig.Arn).toBeDefined();
  });

  it('ECS task events are filtered to the job cluster', () => {
    const rule = Object.values(resources(s.t.async, 'AWS::Events::Rule')).find((r) => asArray(r.Properties!.EventPattern.source).includes('aws.ecs'))!;
    expect(rule.Properties!.EventPattern.detail.clusterArn).toHaveLength(1);
  });

  it('has a domain event bus', () => {
    s.t.async.hasResourceProperties('AWS::Events::EventBus', { Name: `${prefix}-domain` });
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(resources(s.t.observability, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
  const dlqNames = [...queueDefs.map((q) => queueName(prefix, q, true)), `${prefix}-schedules-dlq`, `${prefix}-event-rules-dlq`];

  it.each(dlqNames)('%s alarms on its first visible message', (name) => {
    const a = alarms().find((x) => x.MetricName === 'ApproximateNumberOfMessagesVisible' && x.Dimensions[0].Value === name);
    expect(a).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it.each(queueDefs.map((q) => [q.id, q] as const))('%s alarms when its oldest message is older than the definition allows', (_id, def) => {
    const a = alarms().find((x) => x.MetricName === 'ApproximateAgeOfOldestMessage' && x.Dimensions[0].Value === queueName(prefix, def));
    expect(a).toMatchObject({ Threshold: def.maxAgeAlarmSec, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('every function alarms on errors and the API on any 5xx', () => {
    const errorAlarms = alarms().filter((x) => x.Namespace === 'AWS/Lambda' && x.MetricName === 'Errors');
    expect(errorAlarms.map((a) => a.Dimensions[0].Value).sort()).toEqual(
      lambdaDefs()
        .map((d) => `${prefix}-${d.id}`)
        .sort(),
    );
    expect(alarms().some((x) => x.Namespace === 'AWS/ApiGateway' && x.MetricName === '5xx')).toBe(true);
  });

  it('every alarm notifies the encrypted, TLS-only alarm topic', () => {
    const [topicId, topic] = Object.entries(resources(s.t.observability, 'AWS::SNS::Topic'))[0]!;
    expect(topic.Properties!.KmsMasterKeyId).toBeDefined();
    s.t.observability.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
    for (const a of alarms()) expect(a.AlarmActions.map(refId)).toEqual([topicId]);
  });

  it('has a dashboard', () => {
    s.t.observability.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('alarms when a reconciliation finds the ledger and the chain apart, on the metric the payments functions emit', () => {
    const a = alarms().find((x) => x.AlarmName === `${prefix}-payments-reconcile-differences`);
    expect(a).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: PAYMENTS_METRICS.reconcileDifferences,
      Dimensions: [{ Name: 'service', Value: serviceOf('payments') }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // The payments functions are that service.
    const fns = s.all.flatMap((t) => Object.values(resources(t, 'AWS::Lambda::Function')));
    const services = fns.map((f) => f.Properties!.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
    expect(services).toContain(serviceOf('payments'));
  });

  it('the dashboard graphs the webhooks, credits and payouts, and the payments queues waiting', () => {
    const body = JSON.stringify(Object.values(resources(s.t.observability, 'AWS::CloudWatch::Dashboard'))[0]!.Properties!.DashboardBody);
    for (const name of Object.values(PAYMENTS_METRICS).filter((n) => n !== PAYMENTS_METRICS.reconcileDifferences))
      expect(body).toContain(`[\\"${METRICS_NAMESPACE}\\",\\"${name}\\",\\"service\\",\\"${serviceOf('payments')}\\"`);
    for (const q of [QUEUES.stripeEvents, QUEUES.payouts])
      expect(body).toContain(`\\"ApproximateNumberOfMessagesVisible\\",\\"QueueName\\",\\"${queueName(prefix, q)}\\"`);
  });
});

describe('tables', () => {
  const tables = () => Object.values(resources(s.t.data, 'AWS::DynamoDB::GlobalTable'));

  it.each((Object.entries(TABLES) as [TableId, TableDef][]).map(([id, d]) => [id, d] as const))(
    '%s has its keys, GSIs, TTL, PITR and the customer-managed key',
    (id, def) => {
      const t = tables().find((x) => x.Properties!.TableName === tableName(prefix, id))!;
      const p = t.Properties!;
      expect(p.KeySchema).toEqual([
        { AttributeName: def.pk, KeyType: 'HASH' },
        { AttributeName: def.sk, KeyType: 'RANGE' },
      ]);
      expect((p.GlobalSecondaryIndexes ?? []).map((g: any) => g.IndexName)).toEqual(def.gsis.map((g) => g.name));
      if (def.ttl) expect(p.TimeToLiveSpecification).toEqual({ AttributeName: def.ttl, Enabled: true });
      expect(p.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      const [replica] = p.Replicas;
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(refId(replica.SSESpecification.KMSMasterKeyId)).toBeDefined();
      const keep = def.critical || config.deletionProtection;
      expect(t.DeletionPolicy).toBe(keep ? 'Retain' : 'Delete');
      expect(replica.DeletionProtectionEnabled ?? false).toBe(keep);
    },
  );

  it('the table key rotates and outlives the tables', () => {
    s.t.data.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: 'Retain' });
  });
});

describe('job containers', () => {
  it('spread over maxAzs zones resolved at deploy time, so the synth needs no AWS lookup', () => {
    expect(s.stage.synth().manifest.missing ?? []).toEqual([]);
    const zones = Object.values(resources(s.t.compute, 'AWS::EC2::Subnet')).map((x) => JSON.stringify(x.Properties!.AvailabilityZone));
    expect([...new Set(zones)].sort()).toEqual(
      Array.from({ length: config.vpc.maxAzs }, (_, i) => JSON.stringify({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })).sort(),
    );
  });

  it('run on a cluster with Container Insights', () => {
    s.t.compute.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: `${prefix}-jobs`,
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('are, per allowed image, a Fargate task of a sidecar and that workload, with the configured size and logs', () => {
    const tds = Object.values(resources(s.t.compute, 'AWS::ECS::TaskDefinition')).filter((td) => td.Properties!.RequiresCompatibilities[0] === 'FARGATE');
    expect(tds).toHaveLength(config.jobs.images.length);
    const images = tds.map((td) => td.Properties!.ContainerDefinitions.find((c: any) => c.Name === 'workload').Image).sort();
    expect(images).toEqual([...config.jobs.images].sort());
    for (const td of tds) {
      const p = td.Properties!;
      expect(p.RequiresCompatibilities).toEqual(['FARGATE']);
      expect(p.Cpu).toBe(String(config.jobs.cpu));
      expect(p.Memory).toBe(String(config.jobs.memoryMiB));
      expect(p.ContainerDefinitions.map((c: any) => c.Name).sort()).toEqual(['sidecar', 'workload']);
      for (const c of p.ContainerDefinitions) {
        // Streams are jobs/<container>/<task id>: what the job log reader asks for.
        expect(c.LogConfiguration.LogDriver).toBe('awslogs');
        expect(c.LogConfiguration.Options['awslogs-stream-prefix']).toBe('jobs');
        expect(c.ReadonlyRootFilesystem).toBe(true);
        // Job parameters come as RunTask overrides, never from the task definition.
        expect(c.Environment).toBeUndefined();
      }
    }
  });

  it('share only ephemeral task volumes, at the paths the driver tells the sidecar to wipe', () => {
    for (const td of Object.values(resources(s.t.compute, 'AWS::ECS::TaskDefinition'))) {
      const p = td.Properties!;
      for (const v of p.Volumes) expect(v.Host, v.Name).toBeUndefined();
      const mounts = (name: string) =>
        p.ContainerDefinitions.find((c: any) => c.Name === name)
          .MountPoints.map((m: any) => `${m.SourceVolume}:${m.ContainerPath}`)
          .sort();
      expect(mounts('workload')).toEqual(['job:/app/job', 'scratch:/tmp']);
      expect(mounts('sidecar')).toEqual(['job:/app/job', 'scratch:/app/scratch', 'sidecar-tmp:/tmp']);
      const sidecar = p.ContainerDefinitions.find((c: any) => c.Name === 'sidecar');
      expect(sidecar.Essential).toBe(true);
      const wiped = [...SIDECAR_WIPE_DIRS];
      expect(mounts('sidecar').filter((m: string) => wiped.includes(m.split(':')[1]!))).toEqual(['job:/app/job', 'scratch:/app/scratch']);
    }
  });

  it('start the workload only once the sidecar is HEALTHY, which its check says after the handshake (the readiness marker)', () => {
    for (const td of Object.values(resources(s.t.compute, 'AWS::ECS::TaskDefinition'))) {
      const p = td.Properties!;
      const sidecar = p.ContainerDefinitions.find((c: any) => c.Name === 'sidecar');
      const workload = p.ContainerDefinitions.find((c: any) => c.Name === 'workload');
      expect(workload.DependsOn).toEqual([{ ContainerName: 'sidecar', Condition: 'HEALTHY' }]);
      expect(sidecar.HealthCheck.Command).toEqual(['CMD', 'node', '-e', `require('node:fs').accessSync(${JSON.stringify(SIDECAR_READY_PATH)})`]);
      expect(sidecar.HealthCheck).toMatchObject({ Interval: 5, Retries: 3, StartPeriod: 60, Timeout: 2 });
      // The marker lies on the sidecar's own volume, which the workload never mounts.
      expect(SIDECAR_READY_PATH.startsWith(`${JOB_TASK_VOLUMES.sidecarTmp.path}/`)).toBe(true);
    }
  });

  it('are signed for by one KMS secp256k1 key per agent, aliased by agent name', () => {
    const keys = Object.values(resources(s.t.compute, 'AWS::KMS::Key')).filter((k) => k.Properties!.KeySpec === 'ECC_SECG_P256K1');
    expect(keys).toHaveLength(config.jobs.agents);
    for (const k of keys) expect(k.Properties!.KeyUsage).toBe('SIGN_VERIFY');
    const aliases = Object.values(resources(s.t.compute, 'AWS::KMS::Alias'))
      .map((a) => a.Properties!.AliasName)
      .filter((name) => name !== `alias/${prefix}-job-data`)
      .sort();
    expect(aliases).toEqual(Array.from({ length: config.jobs.agents }, (_, i) => `alias/${prefix}-agent-${i + 1}`).sort());
  });

  it('are launched by functions configured for ECS and KMS, allowed to run, sign and read logs', () => {
    const all = [s.t.api, s.t.apiRoutes, s.t.async].flatMap((t) => Object.values(resources(t, 'AWS::Lambda::Function')));
    const runners = all.filter((f) => f.Properties!.Environment?.Variables?.VRACU_ECS_CLUSTER);
    expect(runners.length).toBeGreaterThan(0);
    for (const f of runners) {
      const env = f.Properties!.Environment.Variables;
      expect(env).toMatchObject({
        VRACU_CONTAINER_DRIVER: 'ecs',
        VRACU_AGENT_SIGNER: 'kms',
        VRACU_AGENT_KEY_ALIAS_PREFIX: `alias/${prefix}-`,
        MAX_AGENTS: String(config.jobs.agents),
        VRACU_JOB_IMAGES: config.jobs.images.join(','),
        VRACU_JOB_LOG_GROUP: `/vracu/${ENV}/jobs`,
      });
      // A token-built JSON object: every image maps to its task definition.
      const defs = JSON.stringify(env.VRACU_ECS_TASK_DEFINITIONS);
      for (const image of config.jobs.images) expect(defs).toContain(image);
      expect(env.VRACU_ECS_GPU_CAPACITY_PROVIDER).toBeUndefined();
    }
    const policies = JSON.stringify([s.t.api, s.t.apiRoutes, s.t.async].flatMap((t) => Object.values(resources(t, 'AWS::IAM::Policy'))));
    for (const action of ['ecs:RunTask', 'ecs:StopTask', 'kms:Sign', 'kms:GetPublicKey', 'logs:GetLogEvents']) expect(policies).toContain(action);
    expect(policies).toContain(`log-group:/vracu/${ENV}/jobs:log-stream:*`);
  });

  it('may run only the job task definitions, on the job cluster, and pass only the job roles, to ECS only', () => {
    const statements = [s.t.api, s.t.apiRoutes, s.t.async]
      .flatMap((t) => Object.values(resources(t, 'AWS::IAM::Policy')))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
    const of = (action: string) => statements.filter((st) => [st.Action].flat().includes(action));
    const runs = of('ecs:RunTask');
    expect(runs.length).toBeGreaterThan(0);
    const definitions = Object.keys(resources(s.t.compute, 'AWS::ECS::TaskDefinition'));
    // Fargate and EXTERNAL (ECS Anywhere) per image.
    expect(definitions).toHaveLength(2 * config.jobs.images.length);
    for (const st of runs) {
      expect([st.Action].flat()).toEqual(['ecs:RunTask']);
      const named = JSON.stringify(st.Resource);
      for (const id of definitions) expect(named).toContain(id);
      expect(named).not.toContain('*');
      expect(JSON.stringify(st.Condition)).toMatch(/ArnEquals.*ecs:cluster/);
    }
    const roles = Object.keys(resources(s.t.compute, 'AWS::IAM::Role')).filter((id) => id.startsWith('JobTasks'));
    expect(roles).toHaveLength(2);
    for (const st of of('iam:PassRole').filter((st) => !JSON.stringify(st.Resource).includes('ExternalInstances'))) {
      for (const id of roles) expect(JSON.stringify(st.Resource)).toContain(id);
      expect(st.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    }
  });

  it("get data keys only in the privacy functions, only by GenerateDataKey on the stage's rotating job data key, only with the job's context", () => {
    const keys = Object.entries(resources(s.t.compute, 'AWS::KMS::Key')).filter(([, k]) => k.Properties!.KeySpec === undefined);
    const [dataKeyId] = keys.find(([id]) => id.startsWith('JobDataKeys'))!;
    expect(keys.find(([id]) => id.startsWith('JobDataKeys'))![1].Properties!.EnableKeyRotation).toBe(true);
    const policies = [s.t.api, s.t.apiRoutes, s.t.async].flatMap((t) => Object.values(resources(t, 'AWS::IAM::Policy')));
    const statements = policies.flatMap(
      (p) => p.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[],
    );
    const generating = statements.filter((st) => [st.Action].flat().includes('kms:GenerateDataKey') && JSON.stringify(st.Resource).includes(dataKeyId));
    expect(generating.length).toBeGreaterThan(0);
    for (const st of generating) {
      expect([st.Action].flat()).toEqual(['kms:GenerateDataKey']);
      expect(st.Condition).toEqual({
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['attestationHash', 'jobId'] },
        Null: { 'kms:EncryptionContext:jobId': 'false', 'kms:EncryptionContext:attestationHash': 'false' },
      });
    }
    // Which functions: exactly those of the privacy context, configured for the aws_kms broker.
    const fns = [s.t.api, s.t.apiRoutes, s.t.async].flatMap((t) => Object.values(resources(t, 'AWS::Lambda::Function')));
    const brokers = fns.filter((f) => f.Properties!.Environment?.Variables?.VRACU_KEY_BROKER);
    const privacyEntries = [...ROUTES.map((r) => r.entry), ...Object.values(SCHEDULES).map((d) => d.entry)].filter((e) => e.startsWith('functions/privacy/'));
    expect(brokers.length).toBe(privacyEntries.length);
    for (const f of brokers) expect(f.Properties!.Environment.Variables.VRACU_KEY_BROKER).toBe('aws_kms');
  });

  it('have no GPU capacity in dev (none configured)', () => {
    s.t.compute.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  it('admit no inbound traffic and reach out on 443 only', () => {
    const groups = Object.values(resources(s.t.compute, 'AWS::EC2::SecurityGroup'));
    const job = groups.find((g) => String(g.Properties!.GroupDescription).startsWith('Job containers'))!;
    expect(job.Properties!.SecurityGroupIngress).toBeUndefined();
    expect(job.Properties!.SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' })]);
    s.t.compute.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe("ECS Anywhere (joined providers' machines)", () => {
  const role = () => Object.entries(resources(s.t.compute, 'AWS::IAM::Role')).find(([id]) => id.startsWith('ExternalInstancesInstanceRole'))!;
  const joinPolicy = () => {
    const stack = [s.t.api, s.t.apiRoutes].find((t) =>
      Object.values(resources(t, 'AWS::Lambda::Function')).some((f) => f.Properties!.FunctionName === `${prefix}-providers-join`),
    )!;
    const fn = Object.values(resources(stack, 'AWS::Lambda::Function')).find((f) => f.Properties!.FunctionName === `${prefix}-providers-join`)!;
    const roleId = refId(fn.Properties!.Role)!;
    const statements = Object.values(resources(stack, 'AWS::IAM::Policy'))
      .filter((p) => asArray(p.Properties!.Roles).some((r) => refId(r) === roleId))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement as Record<string, any>[]);
    return { fn, statements };
  };

  it('the instance role is assumed by SSM for this account only, with the SSM core and ECS instance managed policies', () => {
    const [, r] = role();
    expect(r.Properties!.RoleName).toBe(`${prefix}-ecs-anywhere`);
    const trust = r.Properties!.AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Principal: { Service: 'ssm.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': expect.anything() }, ArnLike: { 'aws:SourceArn': expect.anything() } },
      }),
    ]);
    const managed = JSON.stringify(r.Properties!.ManagedPolicyArns);
    expect(managed).toContain(':iam::aws:policy/AmazonSSMManagedInstanceCore');
    expect(managed).toContain(':iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role');
    expect(r.Properties!.ManagedPolicyArns).toHaveLength(2);
  });

  it('per allowed image, an EXTERNAL task definition (bridge network, memory reservations, no GPU in the definition)', () => {
    const ext = Object.values(resources(s.t.compute, 'AWS::ECS::TaskDefinition')).filter((td) => td.Properties!.RequiresCompatibilities[0] === 'EXTERNAL');
    expect(ext).toHaveLength(config.jobs.images.length);
    for (const td of ext) {
      expect(td.Properties!.RequiresCompatibilities).toEqual(['EXTERNAL']);
      expect(td.Properties!.NetworkMode).toBe('bridge');
      for (const c of td.Properties!.ContainerDefinitions) {
        expect(c.MemoryReservation).toBeGreaterThan(0);
        expect(c.ResourceRequirements).toBeUndefined();
        expect(c.ReadonlyRootFilesystem).toBe(true);
      }
    }
  });

  it('the ECS driver is told the EXTERNAL definitions, and only the join function the activation role and cluster', () => {
    const fns = [s.t.api, s.t.apiRoutes, s.t.async].flatMap((t) => Object.values(resources(t, 'AWS::Lambda::Function')));
    const withRole = fns.filter((f) => f.Properties!.Environment?.Variables?.VRACU_ECS_ANYWHERE_ROLE);
    expect(withRole.map((f) => f.Properties!.FunctionName)).toEqual([`${prefix}-providers-join`]);
    expect(withRole[0]!.Properties!.Environment.Variables).toMatchObject({
      VRACU_ECS_ANYWHERE_ROLE: `${prefix}-ecs-anywhere`,
      VRACU_ECS_ANYWHERE_CLUSTER: `${prefix}-jobs`,
    });
    const runner = fns.find((f) => f.Properties!.Environment?.Variables?.VRACU_ECS_TASK_DEFINITIONS)!;
    expect(JSON.stringify(runner.Properties!.Environment.Variables.VRACU_ECS_TASK_DEFINITIONS)).toContain('external');
  });

  it('the join may create only provider-tagged activations, and pass only the instance role, to SSM only', () => {
    const { statements } = joinPolicy();
    const of = (a: string) => statements.filter((st) => asArray(st.Action).includes(a));
    expect(of('ssm:CreateActivation')).toEqual([
      expect.objectContaining({
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['vracu:provider'] }, Null: { 'aws:RequestTag/vracu:provider': 'false' } },
      }),
    ]);
    expect(JSON.stringify(of('ssm:AddTagsToResource')[0]!.Resource)).toMatch(/:activation\/\*/);
    const pass = of('iam:PassRole');
    expect(pass).toHaveLength(1);
    expect(JSON.stringify(pass[0]!.Resource)).toContain('ExternalInstancesInstanceRole');
    expect(pass[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
    // No other function may create activations.
    const all = [s.t.api, s.t.apiRoutes, s.t.async]
      .flatMap((t) => Object.values(resources(t, 'AWS::IAM::Policy')))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement as Record<string, any>[]);
    expect(all.filter((st) => asArray(st.Action).includes('ssm:CreateActivation'))).toHaveLength(1);
  });
});
