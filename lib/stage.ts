/**
 * One environment of the exchange: six stacks, deployed in dependency order
 * Data → Compute → Async → Api → Observability, and Console (after Api). Stack names are `vracu-<env>-<concern>`.
 */
import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Environment } from './config.ts';
import { stageSettings, type StageSettings } from './settings.ts';
import { ApiRoutesStack, ApiStack } from './stacks/api.ts';
import { AsyncStack } from './stacks/async.ts';
import { ComputeStack } from './stacks/compute.ts';
import { ConsoleStack } from './stacks/console.ts';
import { DataStack } from './stacks/data.ts';
import { ObservabilityStack } from './stacks/observability.ts';

export interface ExchangeStageProps extends StageProps {
  environment: Environment;
}

export class ExchangeStage extends Stage {
  readonly settings: StageSettings;
  readonly data: DataStack;
  readonly compute: ComputeStack;
  readonly async: AsyncStack;
  readonly api: ApiStack;
  readonly apiRoutes: ApiRoutesStack;
  readonly observability: ObservabilityStack;
  readonly console: ConsoleStack;

  constructor(scope: Construct, id: string, props: ExchangeStageProps) {
    const { account, region } = props.environment.config;
    super(scope, id, { ...props, env: { account, region } });
    const settings = stageSettings(props.environment);
    this.settings = settings;
    const name = (concern: string) => `${settings.prefix}-${concern}`;
    const tags = { project: 'vr-acu-exchange', environment: settings.name };

    this.data = new DataStack(this, 'Data', { settings, stackName: name('data'), tags, description: 'VR-ACU exchange: DynamoDB tables and their KMS key' });
    this.compute = new ComputeStack(this, 'Compute', {
      settings,
      stackName: name('compute'),
      tags,
      description: 'VR-ACU exchange: job containers (ECS Fargate)',
    });
    this.async = new AsyncStack(this, 'Async', {
      settings,
      data: this.data,
      compute: this.compute,
      stackName: name('async'),
      tags,
      description: 'VR-ACU exchange: queues, consumers, schedules, event bus and rules',
    });
    this.api = new ApiStack(this, 'Api', {
      platform: { settings, data: this.data, compute: this.compute, queues: this.async.queues, bus: this.async.bus },
      stackName: name('api'),
      tags,
      description: 'VR-ACU exchange: HTTP API, route functions, authorizer',
    });
    this.apiRoutes = new ApiRoutesStack(this, 'ApiRoutes', {
      api: this.api,
      platform: { settings, data: this.data, compute: this.compute, queues: this.async.queues, bus: this.async.bus },
      stackName: name('api-routes'),
      tags,
      description: 'VR-ACU exchange: route functions of providers, payments, privacy, control plane and artifacts (ApiStack holds the rest)',
    });
    this.observability = new ObservabilityStack(this, 'Observability', {
      settings,
      api: this.api,
      async: this.async,
      stackName: name('observability'),
      tags,
      description: 'VR-ACU exchange: alarms, alarm topic, dashboard',
    });
    this.console = new ConsoleStack(this, 'Console', {
      settings,
      httpApi: this.api.httpApi,
      stackName: name('console'),
      tags,
      description: 'VR-ACU exchange: web console (S3 + CloudFront, the API under /v1/*)',
    });
    // Metrics are named, not referenced: deploy alarms after what they watch.
    this.observability.addStackDependency(this.async);
    this.observability.addStackDependency(this.api);
    this.observability.addStackDependency(this.apiRoutes);
  }
}
