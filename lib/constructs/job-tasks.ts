/**
 * The job task definitions. Per allowed workload image, a Fargate task definition, an EXTERNAL
 * one (joined providers' ECS Anywhere machines) and, when the stage has GPU capacity, an EC2
 * one: ECS cannot override a task's image. Every task is
 * a sidecar (essential: watches the workload, enforces the deadline, wipes the job volume)
 * and the workload; both have a read-only root and share only the task's ephemeral `job`
 * volume at /app/job. Logs go to one group, stream `jobs/<container>/<task>`. One pair of
 * roles serves every definition: they need the same rights, and the task role grants none.
 */
import { Duration } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SIDECAR_CONTAINER_NAME, WORKLOAD_CONTAINER_NAME } from '../../events/ecs-task-state.ts';
import { JOB_LOG_STREAM_PREFIX, JOB_TASK_VOLUMES, SIDECAR_READY_PATH } from '../../functions/definitions/job-task.ts';
import { acknowledge } from '../nag.ts';

const { job: JOB_VOLUME, scratch: SCRATCH_VOLUME, sidecarTmp: SIDECAR_TMP } = JOB_TASK_VOLUMES;

export interface JobTasksProps {
  prefix: string;
  images: readonly string[];
  cpu: number;
  memoryMiB: number;
  /** Make EC2 (GPU) definitions too. */
  gpu: boolean;
  sidecarRepository: ecr.IRepository;
  sidecarImageTag: string;
  logGroup: logs.ILogGroup;
}

/** The task definitions of one workload image. */
export interface ImageTaskDefinitions {
  cpu: ecs.FargateTaskDefinition;
  gpu?: ecs.Ec2TaskDefinition;
  /** Jobs placed on a joined provider: its ECS Anywhere instance (bridge network, GPUs by override). */
  external: ecs.ExternalTaskDefinition;
}

export class JobTasks extends Construct {
  readonly byImage: ReadonlyMap<string, ImageTaskDefinitions>;
  readonly taskRole: iam.Role;
  readonly executionRole: iam.Role;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: JobTasksProps,
  ) {
    super(scope, id);
    const ecsTasks = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
    // Job containers call no AWS API: the task role grants nothing.
    this.taskRole = new iam.Role(this, 'TaskRole', { assumedBy: ecsTasks, description: 'Job containers: no AWS permissions' });
    this.executionRole = new iam.Role(this, 'ExecutionRole', { assumedBy: ecsTasks, description: 'ECS agent for job tasks: pull images, write job logs' });
    acknowledge(
      this.executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken (added by the CDK for pulling the sidecar image) supports no resource-level permissions; the image pull actions are scoped to the sidecar repository.',
    );
    const roles = { taskRole: this.taskRole, executionRole: this.executionRole };
    const byImage = new Map<string, ImageTaskDefinitions>();
    props.images.forEach((image, i) => {
      const cpu = new ecs.FargateTaskDefinition(this, `Cpu${i + 1}`, {
        family: `${props.prefix}-job-${i + 1}`,
        ...roles,
        cpu: props.cpu,
        memoryLimitMiB: props.memoryMiB,
      });
      this.addContainers(cpu, image, 'fargate');
      const external = new ecs.ExternalTaskDefinition(this, `External${i + 1}`, {
        family: `${props.prefix}-external-job-${i + 1}`,
        ...roles,
        networkMode: ecs.NetworkMode.BRIDGE,
      });
      this.addContainers(external, image, 'external');
      acknowledge(
        external,
        'AwsSolutions-ECS2',
        'The only environment variable is AWS_REGION, which the CDK adds to containers of non-Fargate task definitions; job parameters arrive as RunTask overrides.',
      );
      const entry: ImageTaskDefinitions = { cpu, external };
      if (props.gpu) {
        const gpu = new ecs.Ec2TaskDefinition(this, `Gpu${i + 1}`, {
          family: `${props.prefix}-gpu-job-${i + 1}`,
          ...roles,
          networkMode: ecs.NetworkMode.AWS_VPC,
        });
        this.addContainers(gpu, image, 'gpu');
        acknowledge(
          gpu,
          'AwsSolutions-ECS2',
          'The only environment variable is AWS_REGION, which the CDK adds to containers of EC2 task definitions; job parameters arrive as RunTask overrides.',
        );
        entry.gpu = gpu;
      }
      byImage.set(image, entry);
    });
    this.byImage = byImage;
  }

  /** The ECS driver's `image → {cpu, gpu?, external}` task definition ARNs. */
  arnsByImage(): Record<string, { cpu: string; gpu?: string; external: string }> {
    return Object.fromEntries(
      [...this.byImage].map(([image, td]) => [
        image,
        { cpu: td.cpu.taskDefinitionArn, ...(td.gpu ? { gpu: td.gpu.taskDefinitionArn } : {}), external: td.external.taskDefinitionArn },
      ]),
    );
  }

  /** Run these definitions on `cluster` and pass their roles to ECS; nothing else. */
  grantRun(principal: iam.IPrincipal, clusterArn: string): void {
    const definitions = [...this.byImage.values()].flatMap((td) => [td.cpu, ...(td.gpu ? [td.gpu] : []), td.external]);
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: definitions.map((td) => td.taskDefinitionArn),
        conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.taskRole.roleArn, this.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
  }

  /** Sidecar and workload, with read-only roots, the job volume and the job log group. */
  private addContainers(td: ecs.TaskDefinition, image: string, host: 'fargate' | 'gpu' | 'external'): void {
    // Off Fargate, containers need a memory figure of their own.
    const reserve = (mib: number) => (host === 'fargate' ? {} : { memoryReservationMiB: mib });
    td.addVolume({ name: JOB_VOLUME.name });
    td.addVolume({ name: SCRATCH_VOLUME.name });
    td.addVolume({ name: SIDECAR_TMP.name });
    const logging = ecs.LogDrivers.awsLogs({ logGroup: this.props.logGroup, streamPrefix: JOB_LOG_STREAM_PREFIX });
    // Job parameters (and what to wipe) arrive as RunTask overrides: no environment here.
    const sidecar = td.addContainer(SIDECAR_CONTAINER_NAME, {
      containerName: SIDECAR_CONTAINER_NAME,
      image: ecs.ContainerImage.fromEcrRepository(this.props.sidecarRepository, this.props.sidecarImageTag),
      essential: true,
      readonlyRootFilesystem: true,
      logging,
      ...reserve(128),
      // HEALTHY only once the handshake is done (the sidecar writes the marker then).
      healthCheck: {
        command: ['CMD', 'node', '-e', `require('node:fs').accessSync(${JSON.stringify(SIDECAR_READY_PATH)})`],
        interval: Duration.seconds(5),
        timeout: Duration.seconds(2),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
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
      // GPU tasks: one GPU by default; the driver overrides the count per job (on external
      // instances it adds GPUs by override only, so a CPU job fits a machine without any).
      ...reserve(1024),
      ...(host === 'gpu' ? { gpuCount: 1 } : {}),
    });
    // No workload starts before its keys exist.
    workload.addContainerDependencies({ container: sidecar, condition: ecs.ContainerDependencyCondition.HEALTHY });
    workload.addMountPoints(
      { sourceVolume: JOB_VOLUME.name, containerPath: JOB_VOLUME.path, readOnly: false },
      { sourceVolume: SCRATCH_VOLUME.name, containerPath: SCRATCH_VOLUME.workloadPath, readOnly: false },
    );
  }
}
