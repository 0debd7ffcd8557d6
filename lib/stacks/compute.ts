/**
 * Compute: where job containers run, composed from its constructs —
 * the network (`JobNetwork`), an ECS cluster (Container Insights on), the job log group,
 * the sidecar's ECR repository, the agents' KMS signing keys (`AgentKeys`), GPU capacity
 * when the stage has it (`GpuCapacity`), the ECS Anywhere instance role of joined providers'
 * machines (`ExternalInstances`) and the job task definitions (`JobTasks`).
 * `jobEnvironment()` and `grantRunJobs()` are how a function is given all of it.
 */
import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ecsAnywhereEnvironment, ecsEnvironment, jobsEnvironment } from '../../functions/definitions/environment.ts';
import { ExternalInstances } from '../constructs/external-instances.ts';
import { AgentKeys } from '../constructs/agent-keys.ts';
import { JobDataKeys } from '../constructs/job-data-keys.ts';
import { GpuCapacity } from '../constructs/gpu-capacity.ts';
import { JobNetwork } from '../constructs/job-network.ts';
import { JobTasks } from '../constructs/job-tasks.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../settings.ts';

export interface ComputeStackProps extends StackProps {
  settings: StageSettings;
}

export class ComputeStack extends Stack {
  readonly network: JobNetwork;
  readonly cluster: ecs.Cluster;
  /** Known at synth time, for ARNs of the cluster's tasks. */
  readonly clusterName: string;
  readonly tasks: JobTasks;
  readonly sidecarRepository: ecr.Repository;
  readonly jobLogGroup: logs.LogGroup;
  /** Known at synth time, for ARNs of its streams. */
  readonly jobLogGroupName: string;
  readonly agentKeys: AgentKeys;
  /** Attested jobs' data keys (the privacy functions' aws_kms broker). */
  readonly jobDataKeys: JobDataKeys;
  readonly gpu?: GpuCapacity;
  /** Joined providers' machines: the ECS Anywhere instance role their activations carry. */
  readonly externalInstances: ExternalInstances;
  /** Known at synth time, so functions name it without a cross-stack import. */
  readonly gpuCapacityProviderName: string;
  private readonly settings: StageSettings;
  private readonly maxAzs: number;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { config } = settings;
    this.settings = settings;
    const retention = config.logRetentionDays as logs.RetentionDays;
    const removalPolicy = settings.removalPolicy;
    this.maxAzs = config.vpc.maxAzs;

    this.network = new JobNetwork(this, 'Network', { maxAzs: config.vpc.maxAzs, natGateways: config.vpc.natGateways, retention, removalPolicy });
    this.clusterName = `${settings.prefix}-jobs`;
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: this.clusterName,
      vpc: this.network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });
    this.jobLogGroupName = `/vracu/${settings.name}/jobs`;
    this.jobLogGroup = new logs.LogGroup(this, 'JobLogs', { logGroupName: this.jobLogGroupName, retention, removalPolicy });
    this.sidecarRepository = new ecr.Repository(this, 'SidecarRepository', {
      repositoryName: `${settings.prefix}-sidecar`,
      imageScanOnPush: true,
      removalPolicy,
      lifecycleRules: [{ description: 'Keep the last 20 images', maxImageCount: 20 }],
    });
    this.agentKeys = new AgentKeys(this, 'AgentKeys', { prefix: settings.prefix, count: config.jobs.agents, removalPolicy });
    this.jobDataKeys = new JobDataKeys(this, 'JobDataKeys', { prefix: settings.prefix, removalPolicy });

    this.gpuCapacityProviderName = `${settings.prefix}-gpu`;
    if (config.jobs.gpu)
      this.gpu = new GpuCapacity(this, 'Gpu', {
        cluster: this.cluster,
        vpc: this.network.vpc,
        capacityProviderName: this.gpuCapacityProviderName,
        ...config.jobs.gpu,
      });

    this.externalInstances = new ExternalInstances(this, 'ExternalInstances', { roleName: `${settings.prefix}-ecs-anywhere` });

    this.tasks = new JobTasks(this, 'JobTasks', {
      prefix: settings.prefix,
      images: config.jobs.images,
      cpu: config.jobs.cpu,
      memoryMiB: config.jobs.memoryMiB,
      gpu: this.gpu !== undefined,
      sidecarRepository: this.sidecarRepository,
      sidecarImageTag: config.jobs.sidecarImageTag,
      logGroup: this.jobLogGroup,
    });
  }

  /**
   * The first `maxAzs` zones of the region, resolved by CloudFormation (`Fn::GetAZs`) at
   * deploy time. An environment-specific stack would otherwise look them up in the
   * account at synth time: a synth would need credentials, and offline it would get
   * dummy zones.
   */
  override get availabilityZones(): string[] {
    return Array.from({ length: this.maxAzs ?? 2 }, (_, i) => Fn.select(i, Fn.getAzs()));
  }

  /** The environment of functions that run jobs: the ECS driver, KMS signer and log reader settings. */
  jobEnvironment(): Record<string, string> {
    const { config } = this.settings;
    return {
      ...jobsEnvironment({
        driver: 'ecs',
        signer: 'kms',
        agentKeyAliasPrefix: this.agentKeys.aliasPrefix,
        maxAgents: config.jobs.agents,
        images: config.jobs.images,
        logGroup: this.jobLogGroupName,
      }),
      ...ecsEnvironment({
        cluster: this.cluster.clusterArn,
        taskDefinitions: this.toJsonString(this.tasks.arnsByImage()),
        gpuCapacityProvider: this.gpu ? this.gpuCapacityProviderName : undefined,
        ...this.network.placement(),
      }),
    };
  }

  /** The join function's environment: the role and cluster a joining machine's activation names. */
  anywhereEnvironment(): Record<string, string> {
    return ecsAnywhereEnvironment({ role: this.externalInstances.roleName, cluster: this.clusterName });
  }

  /** Lets `fn` create a joining machine's SSM activation with the external instance role. */
  grantActivateNodes(fn: { role?: iam.IRole } & iam.IGrantable): void {
    this.externalInstances.grantActivate(fn);
  }

  /**
   * Lets `fn` run job tasks of the job task definitions on this cluster, pass the tasks'
   * roles to ECS, describe or stop the cluster's tasks, sign with the agent keys and read
   * the job logs.
   */
  grantRunJobs(fn: { role?: iam.IRole } & iam.IGrantable): void {
    const principal = fn.grantPrincipal;
    if (!fn.role) throw new Error('grantRunJobs needs a function with an execution role');
    this.tasks.grantRun(principal, this.cluster.clusterArn);
    // Task ids are generated by ECS: the cluster's tasks can only be named with a wildcard.
    const tasks = `arn:aws:ecs:${this.region}:${this.account}:task/${this.clusterName}/*`;
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: [tasks] }));
    acknowledge(
      fn.role,
      `AwsSolutions-IAM5[Resource::${tasks}]`,
      'ECS task ids are assigned at launch: describing and stopping job tasks can only name the tasks of this one cluster by wildcard.',
    );
    this.agentKeys.grantSign(principal);
    // One stream per task and container: reading job logs names the group's streams by wildcard.
    const streams = `arn:aws:logs:${this.region}:${this.account}:log-group:${this.jobLogGroupName}:log-stream:*`;
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:GetLogEvents'], resources: [streams] }));
    acknowledge(
      fn.role,
      `AwsSolutions-IAM5[Resource::${streams}]`,
      'Log streams are created per job task and container: reading a job log can only name the streams of the job log group by wildcard.',
    );
  }
}
