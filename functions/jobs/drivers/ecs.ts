/**
 * The ECS container driver: one task per job. CPU jobs run on Fargate; GPU jobs go to a
 * capacity provider on GPU EC2 instances (Fargate has no GPUs); a joined provider's jobs run
 * on its own machine, an ECS Anywhere external instance (`launchType: EXTERNAL`, pinned by the
 * provider's instance attribute, definitions/external-instances.ts). Task state reaches the
 * exchange through the EventBridge "ECS Task State Change" rule, not through this class.
 */
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type ECSClient, type RunTaskCommandInput, type Task } from '@aws-sdk/client-ecs';
import { EcsEnv, parseEnv, sidecarEnvironment } from '../../definitions/environment.ts';
import type { ContainerDriver, ContainerState, LaunchResult, LaunchSpec } from './driver.ts';
import { ContainerLaunchError } from './launch-error.ts';
import {
  fargateSize,
  MAX_STOP_REASON_CHARS,
  MAX_TAG_KEY_CHARS,
  MAX_TAG_VALUE_CHARS,
  MAX_TAGS,
  STARTED_BY_PATTERN,
  type TaskSize,
} from './ecs-task-definition.ts';
import { SIDECAR_WIPE_DIRS } from '../../definitions/job-task.ts';
import { isJoinedProviderId, providerConstraint } from '../../definitions/external-instances.ts';
import { detailToContainerState, EcsTaskStatus } from '../../../events/ecs-task-state.ts';

export type EcsConfig = EcsEnv;

/** Parses the ECS settings of the environment contract; throws naming each bad variable. */
export function loadEcsConfig(env: Readonly<Record<string, string | undefined>>): EcsConfig {
  return parseEnv(EcsEnv, env, 'ECS driver configuration');
}

/** The tag every job task carries, so a task can be traced to its job without startedBy. */
export const JOB_TAG = 'vracu:job';

/** SDK errors that mean "this request will never work", as opposed to a passing outage. */
const REJECTIONS = new Set([
  'InvalidParameterException',
  'ClientException',
  'PlatformUnknownException',
  'PlatformTaskDefinitionIncompatibilityException',
  'AccessDeniedException',
  'UnsupportedFeatureException',
]);

export class EcsDriver implements ContainerDriver {
  readonly kind = 'ecs' as const;
  /** Fargate ephemeral storage holds the job's files; it is destroyed with the task. */
  readonly dataVolumes = ['/app/job', '/tmp'];
  readonly deletionMethod = 'fargate-task-stopped';

  constructor(
    private readonly client: ECSClient,
    private readonly cfg: EcsConfig,
  ) {}

  /** The exact RunTask request for a spec (exported for tests and dry runs). */
  runTaskInput(spec: LaunchSpec): RunTaskCommandInput {
    if (!STARTED_BY_PATTERN.test(spec.jobId)) {
      throw new ContainerLaunchError('invalid_spec', `job id ${JSON.stringify(spec.jobId)} cannot be an ECS startedBy`, false);
    }
    const gpu = spec.gpus > 0;
    // A joined provider's job runs on that provider's own machine (an ECS Anywhere instance).
    const provider = spec.tags.provider;
    const external = provider !== undefined && isJoinedProviderId(provider) ? provider : undefined;
    const taskDefinition = external ? this.externalTaskDefinitionFor(spec.image) : this.taskDefinitionFor(spec.image, gpu);
    const size = this.sizeFor(spec, gpu || external !== undefined);
    return {
      cluster: this.cfg.VRACU_ECS_CLUSTER,
      taskDefinition,
      count: 1,
      startedBy: spec.jobId,
      // Retried launches of the same job return the same task instead of a second one.
      clientToken: spec.jobId.slice(0, 64),
      ...(external
        ? // External instances have no capacity provider and no awsvpc: the constraint picks the machine.
          { launchType: 'EXTERNAL' as const, placementConstraints: [providerConstraint(external)] }
        : {
            ...(gpu
              ? { capacityProviderStrategy: [{ capacityProvider: this.gpuCapacityProvider(), weight: 1, base: 0 }] }
              : { launchType: 'FARGATE' as const, platformVersion: 'LATEST' }),
            networkConfiguration: {
              awsvpcConfiguration: {
                subnets: this.cfg.VRACU_ECS_SUBNETS,
                securityGroups: [this.cfg.VRACU_ECS_SECURITY_GROUP],
                // EC2 tasks (GPU) cannot have a public IP on awsvpc.
                assignPublicIp: gpu ? 'DISABLED' : this.cfg.VRACU_ECS_ASSIGN_PUBLIC_IP,
              },
            },
          }),
      overrides: {
        cpu: String(size.cpu),
        memory: String(size.memoryMb),
        containerOverrides: [
          {
            name: this.cfg.VRACU_ECS_WORKLOAD_CONTAINER,
            command: spec.command,
            environment: Object.keys(spec.env)
              .sort()
              .map((name) => ({ name, value: spec.env[name] as string })),
            ...(gpu ? { resourceRequirements: [{ type: 'GPU' as const, value: String(spec.gpus) }] } : {}),
          },
          {
            // The sidecar watches the workload, enforces the deadline and wipes the shared volume.
            name: this.cfg.VRACU_ECS_SIDECAR_CONTAINER,
            environment: Object.entries({
              ...sidecarEnvironment({
                jobId: spec.jobId,
                timeoutMs: spec.timeoutMs,
                workloadContainer: this.cfg.VRACU_ECS_WORKLOAD_CONTAINER,
                wipeDirs: SIDECAR_WIPE_DIRS,
              }),
              // The job credential goes to the sidecar's container only; the workload's overrides never see it.
              ...(spec.sidecarEnv ?? {}),
            }).map(([name, value]) => ({ name, value })),
          },
        ],
      },
      tags: this.tagsFor(spec),
      enableECSManagedTags: true,
      propagateTags: 'TASK_DEFINITION',
      // Nobody gets a shell in a job container.
      enableExecuteCommand: false,
    };
  }

  async launch(spec: LaunchSpec): Promise<LaunchResult> {
    const input = this.runTaskInput(spec);
    let out;
    try {
      out = await this.client.send(new RunTaskCommand(input));
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      if (REJECTIONS.has(name)) {
        throw new ContainerLaunchError('rejected', `RunTask rejected: ${name}: ${(err as Error).message}`, false, [(err as Error).message]);
      }
      throw err;
    }
    const failures = out.failures ?? [];
    const task = out.tasks?.[0];
    if (failures.length > 0 || !task?.taskArn) {
      const reasons = failures.map((f) => [f.reason, f.detail].filter(Boolean).join(': '));
      // RESOURCE:* and capacity errors clear up when other tasks stop; the rest do not.
      const capacity = failures.some((f) => /^RESOURCE:|capacity/i.test(f.reason ?? ''));
      throw new ContainerLaunchError(
        capacity ? 'capacity_unavailable' : 'failed_to_start',
        `RunTask started no task for ${spec.jobId}: ${reasons.join('; ') || 'no task and no failure returned'}`,
        capacity,
        reasons,
      );
    }
    return { containerId: task.taskArn };
  }

  async stop(containerId: string, reason: string): Promise<'stopping' | 'gone'> {
    try {
      await this.client.send(new StopTaskCommand({ cluster: this.cfg.VRACU_ECS_CLUSTER, task: containerId, reason: reason.slice(0, MAX_STOP_REASON_CHARS) }));
      return 'stopping';
    } catch (err) {
      // A task ECS no longer knows is stopped already: stopping is idempotent.
      if ((err as { name?: string }).name === 'InvalidParameterException' && /not found/i.test((err as Error).message)) return 'gone';
      throw err;
    }
  }

  async describe(containerId: string): Promise<ContainerState | null> {
    const out = await this.client.send(new DescribeTasksCommand({ cluster: this.cfg.VRACU_ECS_CLUSTER, tasks: [containerId], include: ['TAGS'] }));
    const task = out.tasks?.find((t) => t.taskArn === containerId) ?? out.tasks?.[0];
    if (!task) return null;
    return taskToContainerState(task);
  }

  private taskDefinitionFor(image: string, gpu: boolean): string {
    const map = this.cfg.VRACU_ECS_TASK_DEFINITIONS;
    const pick = (d: { cpu?: string | undefined; gpu?: string | undefined } | undefined) => (gpu ? d?.gpu : d?.cpu);
    const td = pick(map[image]) ?? pick(map['*']) ?? (gpu ? this.cfg.VRACU_ECS_GPU_TASK_DEFINITION : this.cfg.VRACU_ECS_TASK_DEFINITION);
    if (!td) {
      throw new ContainerLaunchError('no_task_definition', `no ${gpu ? 'GPU' : 'CPU'} task definition for image ${image}`, false);
    }
    return td;
  }

  private externalTaskDefinitionFor(image: string): string {
    const map = this.cfg.VRACU_ECS_TASK_DEFINITIONS;
    const td = map[image]?.external ?? map['*']?.external;
    if (!td) throw new ContainerLaunchError('no_task_definition', `no EXTERNAL task definition for image ${image}`, false);
    return td;
  }

  private gpuCapacityProvider(): string {
    const cp = this.cfg.VRACU_ECS_GPU_CAPACITY_PROVIDER;
    if (!cp) throw new ContainerLaunchError('no_task_definition', 'GPU jobs need VRACU_ECS_GPU_CAPACITY_PROVIDER', false);
    return cp;
  }

  private sizeFor(spec: LaunchSpec, gpu: boolean): TaskSize {
    if (!(spec.cpuUnits > 0 && spec.memoryMb > 0)) {
      throw new ContainerLaunchError('invalid_spec', 'cpuUnits and memoryMb must be positive', false);
    }
    // GPU instances take any size the instance holds; Fargate only its fixed pairs.
    if (gpu) return { cpu: spec.cpuUnits, memoryMb: spec.memoryMb };
    const size = fargateSize(spec.cpuUnits, spec.memoryMb);
    if (!size) {
      throw new ContainerLaunchError('invalid_spec', `no Fargate size holds ${spec.cpuUnits} CPU units and ${spec.memoryMb} MiB`, false);
    }
    return size;
  }

  private tagsFor(spec: LaunchSpec): { key: string; value: string }[] {
    const tags = [{ key: JOB_TAG, value: spec.jobId }];
    for (const key of Object.keys(spec.tags).sort()) {
      if (key === JOB_TAG || key.startsWith('aws:')) continue;
      tags.push({ key: key.slice(0, MAX_TAG_KEY_CHARS), value: (spec.tags[key] as string).slice(0, MAX_TAG_VALUE_CHARS) });
    }
    if (tags.length > MAX_TAGS) throw new ContainerLaunchError('invalid_spec', `at most ${MAX_TAGS - 1} tags`, false);
    return tags;
  }
}

const iso = (d: Date | undefined): string | undefined => (d ? d.toISOString() : undefined);

/** DescribeTasks' Task (dates as Date) → the port's state, through the same mapping as events. */
export function taskToContainerState(task: Task): ContainerState {
  const status = EcsTaskStatus.safeParse(task.lastStatus);
  const jobId = task.startedBy ?? task.tags?.find((t) => t.key === JOB_TAG)?.value ?? '';
  const opt = <T>(k: string, v: T | undefined) => (v !== undefined ? { [k]: v } : {});
  return detailToContainerState({
    taskArn: task.taskArn ?? '',
    clusterArn: task.clusterArn ?? '',
    lastStatus: status.success ? status.data : 'PENDING',
    desiredStatus: task.desiredStatus ?? '',
    version: task.version ?? 0,
    startedBy: jobId,
    containers: (task.containers ?? []).map((c) => ({
      name: c.name ?? '',
      lastStatus: c.lastStatus ?? '',
      ...opt('exitCode', c.exitCode),
      ...opt('reason', c.reason),
    })),
    ...opt('stopCode', task.stopCode),
    ...opt('stoppedReason', task.stoppedReason),
    ...opt('createdAt', iso(task.createdAt)),
    ...opt('startedAt', iso(task.startedAt)),
    ...opt('stoppedAt', iso(task.stoppedAt)),
  });
}
