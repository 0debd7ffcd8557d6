/**
 * Compute: where job containers run. An ECS cluster (Container Insights on) in the
 * stage's VPC, one Fargate task definition for jobs (sidecar + workload, 1 vCPU / 2 GB by
 * default), a security group with no ingress and egress on 443 only, the job log group,
 * and the ECR repository the sidecar image is pushed to.
 *
 * GPU jobs need EC2 capacity (Fargate has no GPUs): an ECS capacity provider on GPU
 * instances is not part of this stack yet (docs/deploy.md).
 */
import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../settings.ts';

export interface ComputeStackProps extends StackProps {
  settings: StageSettings;
}

export class ComputeStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  /** Known at synth time, for ARNs of the cluster's tasks. */
  readonly clusterName: string;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly sidecarRepository: ecr.Repository;
  readonly jobLogGroup: logs.LogGroup;
  private readonly subnetType: ec2.SubnetType;
  private readonly maxAzs: number;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { config } = settings;
    const retention = config.logRetentionDays as logs.RetentionDays;
    this.maxAzs = config.vpc.maxAzs;

    // Without NAT gateways, tasks run in public subnets with a public IP; the security
    // group still admits no inbound traffic. With NAT, they run in private subnets.
    this.subnetType = config.vpc.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC;
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', { retention, removalPolicy: settings.removalPolicy });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: config.vpc.maxAzs,
      natGateways: config.vpc.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        ...(config.vpc.natGateways > 0 ? [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 }] : []),
      ],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.REJECT } },
    });

    this.clusterName = `${settings.prefix}-jobs`;
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: this.clusterName,
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'JobSecurityGroup', {
      vpc: this.vpc,
      description: 'Job containers: no inbound traffic; outbound HTTPS only (AWS APIs, registries, the exchange API)',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS out');

    this.jobLogGroup = new logs.LogGroup(this, 'JobLogs', {
      logGroupName: `/vracu/${settings.name}/jobs`,
      retention,
      removalPolicy: settings.removalPolicy,
    });

    this.sidecarRepository = new ecr.Repository(this, 'SidecarRepository', {
      repositoryName: `${settings.prefix}-sidecar`,
      imageScanOnPush: true,
      removalPolicy: settings.removalPolicy,
      lifecycleRules: [{ description: 'Keep the last 20 images', maxImageCount: 20 }],
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'JobTask', {
      family: `${settings.prefix}-job`,
      cpu: config.jobs.cpu,
      memoryLimitMiB: config.jobs.memoryMiB,
    });
    // The sidecar receives its job parameters from RunTask overrides, never from
    // environment variables baked into the task definition.
    this.taskDefinition.addContainer('sidecar', {
      containerName: 'sidecar',
      image: ecs.ContainerImage.fromEcrRepository(this.sidecarRepository, config.jobs.sidecarImageTag),
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.jobLogGroup, streamPrefix: 'sidecar' }),
    });
    this.taskDefinition.addContainer('workload', {
      containerName: 'workload',
      image: ecs.ContainerImage.fromRegistry(config.jobs.workloadImage),
      essential: false,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.jobLogGroup, streamPrefix: 'workload' }),
    });
    const executionRole = this.taskDefinition.obtainExecutionRole();
    acknowledge(
      executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken (added by the CDK for pulling the sidecar image) supports no resource-level permissions; the image pull actions are scoped to the sidecar repository.',
    );
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

  /** Subnets and settings job containers are launched with (RunTask networkConfiguration). */
  jobEnvironment(): Record<string, string> {
    return {
      VRACU_ECS_CLUSTER: this.cluster.clusterArn,
      VRACU_ECS_TASK_DEFINITION: this.taskDefinition.taskDefinitionArn,
      VRACU_ECS_SUBNETS: this.vpc.selectSubnets({ subnetType: this.subnetType }).subnetIds.join(','),
      VRACU_ECS_SECURITY_GROUP: this.securityGroup.securityGroupId,
      VRACU_ECS_ASSIGN_PUBLIC_IP: this.subnetType === ec2.SubnetType.PUBLIC ? 'ENABLED' : 'DISABLED',
    };
  }

  /**
   * Lets `fn` run job tasks of this task definition on this cluster, pass the task's
   * roles to ECS, and describe or stop the cluster's tasks.
   */
  grantRunJobs(fn: { role?: iam.IRole } & iam.IGrantable): void {
    const principal = fn.grantPrincipal;
    if (!fn.role) throw new Error('grantRunJobs needs a function with an execution role');
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [this.taskDefinition.taskDefinitionArn],
        conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.taskDefinition.taskRole.roleArn, this.taskDefinition.obtainExecutionRole().roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    // Task ids are generated by ECS: the cluster's tasks can only be named with a wildcard.
    const tasks = `arn:aws:ecs:${this.region}:${this.account}:task/${this.clusterName}/*`;
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: [tasks] }));
    acknowledge(
      fn.role,
      `AwsSolutions-IAM5[Resource::${tasks}]`,
      'ECS task ids are assigned at launch: describing and stopping job tasks can only name the tasks of this one cluster by wildcard.',
    );
  }
}
