/**
 * Compute: where job containers run.
 * - An ECS cluster (Container Insights on) in the stage's VPC.
 * - Per allowed workload image (`jobs.images`), a Fargate task definition and, when the
 *   stage has GPU capacity, an EC2 one: ECS cannot override a task's image. Every task
 *   is a sidecar (essential: watches the workload, enforces the deadline, wipes the job
 *   volume) and the workload; both have a read-only root and share only the task's
 *   ephemeral `job` volume at /app/job. Logs go to one group, stream `jobs/<container>/<task>`.
 * - A security group with no ingress and egress on 443 only.
 * - GPU capacity (optional): an Auto Scaling group of ECS GPU-optimised instances behind
 *   an ECS capacity provider with managed scaling, in private subnets.
 * - One KMS signing key (ECC_SECG_P256K1) per agent identity: attestations are signed
 *   in KMS, agent keys never leave it.
 * - The ECR repository the sidecar image is pushed to.
 */
import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SIDECAR_CONTAINER_NAME, WORKLOAD_CONTAINER_NAME } from '../../events/ecs-task-state.ts';
import { JOB_LOG_STREAM_PREFIX, JOB_TASK_VOLUMES } from '../../functions/definitions/job-task.ts';
import { ecsEnvironment, jobsEnvironment } from '../../functions/definitions/environment.ts';
import { acknowledge, acknowledgeAll } from '../nag.ts';
import type { StageSettings } from '../settings.ts';

export interface ComputeStackProps extends StackProps {
  settings: StageSettings;
}

const { job: JOB_VOLUME, scratch: SCRATCH_VOLUME, sidecarTmp: SIDECAR_TMP } = JOB_TASK_VOLUMES;

/** The task definitions of one workload image. */
export interface ImageTaskDefinitions {
  cpu: ecs.FargateTaskDefinition;
  gpu?: ecs.Ec2TaskDefinition;
}

export class ComputeStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  /** Known at synth time, for ARNs of the cluster's tasks. */
  readonly clusterName: string;
  readonly taskDefinitions: ReadonlyMap<string, ImageTaskDefinitions>;
  readonly securityGroup: ec2.SecurityGroup;
  readonly sidecarRepository: ecr.Repository;
  readonly jobLogGroup: logs.LogGroup;
  /** Known at synth time, for ARNs of its streams. */
  readonly jobLogGroupName: string;
  readonly agentKeys: kms.Key[];
  /** `alias/vracu-<env>-`: agent `agent-1` signs with `alias/vracu-<env>-agent-1`. */
  readonly agentKeyAliasPrefix: string;
  readonly gpuCapacityProvider?: ecs.AsgCapacityProvider;
  /** Known at synth time, so functions name it without a cross-stack import. */
  readonly gpuCapacityProviderName: string;
  private readonly settings: StageSettings;
  private readonly subnetType: ec2.SubnetType;
  private readonly maxAzs: number;
  /** One pair of roles for every job task definition: they need the same rights. */
  private readonly taskRole: iam.Role;
  private readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { config } = settings;
    this.settings = settings;
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

    // The exchange's HTTP API has no private endpoint and no fixed addresses, and images
    // come from public registries: port 443 is as narrow as a security group can say.
    this.securityGroup = new ec2.SecurityGroup(this, 'JobSecurityGroup', {
      vpc: this.vpc,
      description: 'Job containers: no inbound traffic; outbound HTTPS only (AWS APIs, registries, the exchange API)',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS out');

    this.jobLogGroupName = `/vracu/${settings.name}/jobs`;
    this.jobLogGroup = new logs.LogGroup(this, 'JobLogs', {
      logGroupName: this.jobLogGroupName,
      retention,
      removalPolicy: settings.removalPolicy,
    });

    this.sidecarRepository = new ecr.Repository(this, 'SidecarRepository', {
      repositoryName: `${settings.prefix}-sidecar`,
      imageScanOnPush: true,
      removalPolicy: settings.removalPolicy,
      lifecycleRules: [{ description: 'Keep the last 20 images', maxImageCount: 20 }],
    });

    this.agentKeyAliasPrefix = `alias/${settings.prefix}-`;
    this.gpuCapacityProviderName = `${settings.prefix}-gpu`;
    this.agentKeys = Array.from({ length: config.jobs.agents }, (_, i) => {
      const key = new kms.Key(this, `AgentKey${i + 1}`, {
        description: `${settings.prefix} agent-${i + 1}: signs job attestations (the key never leaves KMS)`,
        keySpec: kms.KeySpec.ECC_SECG_P256K1,
        keyUsage: kms.KeyUsage.SIGN_VERIFY,
        alias: `${this.agentKeyAliasPrefix}agent-${i + 1}`,
        removalPolicy: settings.removalPolicy,
      });
      acknowledge(
        key,
        'AwsSolutions-KMS5',
        'Asymmetric KMS keys cannot rotate automatically; an agent key is an identity whose public key is registered, so rotating it means registering a new agent.',
      );
      return key;
    });

    if (config.jobs.gpu) this.gpuCapacityProvider = this.addGpuCapacity(config.jobs.gpu);

    const ecsTasks = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
    // Job containers call no AWS API: the task role grants nothing.
    this.taskRole = new iam.Role(this, 'JobTaskRole', { assumedBy: ecsTasks, description: 'Job containers: no AWS permissions' });
    this.executionRole = new iam.Role(this, 'JobExecutionRole', { assumedBy: ecsTasks, description: 'ECS agent for job tasks: pull images, write job logs' });
    acknowledge(
      this.executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken (added by the CDK for pulling the sidecar image) supports no resource-level permissions; the image pull actions are scoped to the sidecar repository.',
    );
    const roles = { taskRole: this.taskRole, executionRole: this.executionRole };
    const byImage = new Map<string, ImageTaskDefinitions>();
    config.jobs.images.forEach((image, i) => {
      const cpu = new ecs.FargateTaskDefinition(this, `JobTask${i + 1}`, {
        family: `${settings.prefix}-job-${i + 1}`,
        ...roles,
        cpu: config.jobs.cpu,
        memoryLimitMiB: config.jobs.memoryMiB,
      });
      this.addContainers(cpu, image, false);
      const entry: ImageTaskDefinitions = { cpu };
      if (this.gpuCapacityProvider) {
        const gpu = new ecs.Ec2TaskDefinition(this, `GpuJobTask${i + 1}`, {
          family: `${settings.prefix}-gpu-job-${i + 1}`,
          ...roles,
          networkMode: ecs.NetworkMode.AWS_VPC,
        });
        this.addContainers(gpu, image, true);
        acknowledge(
          gpu,
          'AwsSolutions-ECS2',
          'The only environment variable is AWS_REGION, which the CDK adds to containers of EC2 task definitions; job parameters arrive as RunTask overrides.',
        );
        entry.gpu = gpu;
      }
      byImage.set(image, entry);
    });
    this.taskDefinitions = byImage;
  }

  /** Sidecar and workload, with read-only roots, the job volume and the job log group. */
  private addContainers(td: ecs.TaskDefinition, image: string, gpu: boolean): void {
    td.addVolume({ name: JOB_VOLUME.name });
    td.addVolume({ name: SCRATCH_VOLUME.name });
    td.addVolume({ name: SIDECAR_TMP.name });
    const logging = ecs.LogDrivers.awsLogs({ logGroup: this.jobLogGroup, streamPrefix: JOB_LOG_STREAM_PREFIX });
    // Job parameters (and what to wipe) arrive as RunTask overrides: no environment here.
    const sidecar = td.addContainer(SIDECAR_CONTAINER_NAME, {
      containerName: SIDECAR_CONTAINER_NAME,
      image: ecs.ContainerImage.fromEcrRepository(this.sidecarRepository, this.settings.config.jobs.sidecarImageTag),
      essential: true,
      readonlyRootFilesystem: true,
      logging,
      ...(gpu ? { memoryReservationMiB: 128 } : {}),
    });
    sidecar.addMountPoints(
      { sourceVolume: JOB_VOLUME.name, containerPath: JOB_VOLUME.path, readOnly: false },
      { sourceVolume: SCRATCH_VOLUME.name, containerPath: SCRATCH_VOLUME.sidecarPath, readOnly: false },
      { sourceVolume: SIDECAR_TMP.name, containerPath: SIDECAR_TMP.path, readOnly: false },
    );
    const workload = td.addContainer(WORKLOAD_CONTAINER_NAME, {
      containerName: WORKLOAD_CONTAINER_NAME,
      image: ecs.ContainerImage.fromRegistry(image),
      essential: false,
      readonlyRootFilesystem: true,
      logging,
      // GPU tasks: one GPU by default; the driver overrides the count per job.
      ...(gpu ? { gpuCount: 1, memoryReservationMiB: 1024 } : {}),
    });
    workload.addMountPoints(
      { sourceVolume: JOB_VOLUME.name, containerPath: JOB_VOLUME.path, readOnly: false },
      { sourceVolume: SCRATCH_VOLUME.name, containerPath: SCRATCH_VOLUME.workloadPath, readOnly: false },
    );
  }

  /** GPU-optimised ECS instances in private subnets, scaled by ECS through a capacity provider. */
  private addGpuCapacity(gpu: { instanceType: string; minInstances: number; maxInstances: number }): ecs.AsgCapacityProvider {
    const instanceSecurityGroup = new ec2.SecurityGroup(this, 'GpuInstanceSecurityGroup', {
      vpc: this.vpc,
      description: 'GPU container instances: no inbound traffic; outbound HTTPS only (ECS agent, registries)',
      allowAllOutbound: false,
    });
    instanceSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS out');
    const role = new iam.Role(this, 'GpuInstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'GPU container instances: register with the job cluster',
    });
    const userData = ec2.UserData.forLinux();
    // A stopped task's volumes (the job's files) go at the ECS agent's cleanup, 3 h after
    // the task by default: the minimum makes the second line of deletion prompt.
    userData.addCommands('echo ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=1m >> /etc/ecs/ecs.config');
    const launchTemplate = new ec2.LaunchTemplate(this, 'GpuLaunchTemplate', {
      instanceType: new ec2.InstanceType(gpu.instanceType),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2(ecs.AmiHardwareType.GPU),
      userData,
      role,
      securityGroup: instanceSecurityGroup,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    const group = new autoscaling.AutoScalingGroup(this, 'GpuInstances', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: gpu.minInstances,
      maxCapacity: gpu.maxInstances,
    });
    const provider = new ecs.AsgCapacityProvider(this, 'GpuCapacityProvider', {
      capacityProviderName: this.gpuCapacityProviderName,
      autoScalingGroup: group,
      enableManagedScaling: true,
      // ECS drains instances itself (managed draining): no CDK drain-hook function.
      enableManagedDraining: true,
      // Jobs have their own deadline and deletion attestation; scale-in may stop them.
      enableManagedTerminationProtection: false,
    });
    this.cluster.addAsgCapacityProvider(provider);
    acknowledge(
      group,
      'AwsSolutions-AS3',
      'Scaling is managed by the ECS capacity provider and watched through Container Insights and the job alarms; per-instance scaling notifications add nothing to act on.',
    );
    acknowledgeAll(
      role,
      ['AwsSolutions-IAM5[Action::ecs:Submit*]', 'AwsSolutions-IAM5[Resource::*]'],
      'The container-instance statements the CDK adds for the ECS agent (ecs:Submit*, DiscoverPollEndpoint, ecr:GetAuthorizationToken, logs) are the ones ECS documents for its agent; several have no resource-level permissions.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
      'The AWS managed ECS container-instance policy is what the ECS agent needs to register and report; ECS documents it as the instance role policy.',
    );
    return provider;
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
    const definitions = Object.fromEntries(
      [...this.taskDefinitions].map(([image, td]) => [image, { cpu: td.cpu.taskDefinitionArn, ...(td.gpu ? { gpu: td.gpu.taskDefinitionArn } : {}) }]),
    );
    return {
      ...jobsEnvironment({
        driver: 'ecs',
        signer: 'kms',
        agentKeyAliasPrefix: this.agentKeyAliasPrefix,
        maxAgents: config.jobs.agents,
        images: config.jobs.images,
        logGroup: this.jobLogGroupName,
      }),
      ...ecsEnvironment({
        cluster: this.cluster.clusterArn,
        taskDefinitions: this.toJsonString(definitions),
        gpuCapacityProvider: this.gpuCapacityProvider ? this.gpuCapacityProviderName : undefined,
        subnets: this.vpc.selectSubnets({ subnetType: this.subnetType }).subnetIds,
        securityGroup: this.securityGroup.securityGroupId,
        assignPublicIp: this.subnetType === ec2.SubnetType.PUBLIC ? 'ENABLED' : 'DISABLED',
      }),
    };
  }

  /**
   * Lets `fn` run job tasks of the job task definitions on this cluster, pass the tasks'
   * roles to ECS, describe or stop the cluster's tasks, sign with the agent keys and read
   * the job logs.
   */
  grantRunJobs(fn: { role?: iam.IRole } & iam.IGrantable): void {
    const principal = fn.grantPrincipal;
    if (!fn.role) throw new Error('grantRunJobs needs a function with an execution role');
    const definitions = [...this.taskDefinitions.values()].flatMap((td) => [td.cpu, ...(td.gpu ? [td.gpu] : [])]);
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: definitions.map((td) => td.taskDefinitionArn),
        conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.taskRole.roleArn, this.executionRole.roleArn],
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
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: this.agentKeys.map((k) => k.keyArn) }));
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
