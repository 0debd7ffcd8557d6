/**
 * The ECS container driver: one task per job. CPU jobs run on Fargate; GPU jobs go to a
 * capacity provider on GPU EC2 instances (Fargate has no GPUs). Task state reaches the
 * exchange through the EventBridge "ECS Task State Change" rule, not through this class.
 */
import {
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import * as z from 'zod';
import type { ContainerDriver, ContainerState, LaunchResult, LaunchSpec } from './driver.ts';
import { ContainerLaunchError } from './launch-error.ts';
import {
  fargateSize,
  MAX_STOP_REASON_CHARS,
  MAX_TAG_KEY_CHARS,
  MAX_TAG_VALUE_CHARS,
  MAX_TAGS,
  SIDECAR_WIPE_DIRS,
  STARTED_BY_PATTERN,
  type TaskSize,
} from './ecs-task-definition.ts';
import { detailToContainerState, EcsTaskStatus, SIDECAR_CONTAINER_NAME, WORKLOAD_CONTAINER_NAME } from '../../../events/ecs-task-state.ts';

const TaskDefinitions = z.record(
  z.string().min(1),
  z.strictObject({ cpu: z.string().min(1).optional(), gpu: z.string().min(1).optional() }),
);

const EcsConfigSchema = z
  .object({
    /** The cluster's name or ARN. */
    VRACU_ECS_CLUSTER: z.string().min(1),
    /** Comma-separated subnets for the task ENIs. */
    VRACU_ECS_SUBNETS: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be subnet ids')).min(1)),
    /** No ingress; egress only to the exchange API (and the endpoints needed to pull and log). */
    VRACU_ECS_SECURITY_GROUP: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id'),
    /** ENABLED only for public subnets without NAT (Fargate needs a route to pull images). */
    VRACU_ECS_ASSIGN_PUBLIC_IP: z.enum(['ENABLED', 'DISABLED']).default('DISABLED'),
    /** The job task definition (ARN or family[:revision]) for CPU jobs of any image. */
    VRACU_ECS_TASK_DEFINITION: z.string().min(1).optional(),
    /** The same for GPU jobs (run on the GPU capacity provider). */
    VRACU_ECS_GPU_TASK_DEFINITION: z.string().min(1).optional(),
    /**
     * JSON: image → { cpu?: task definition, gpu?: task definition }, `*` as fallback. ECS
     * cannot override a task's image, so an image of its own needs task definitions of its own.
     */
    VRACU_ECS_TASK_DEFINITIONS: z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined) return {};
        try {
          return TaskDefinitions.parse(JSON.parse(s));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<image>": {"cpu": "<task definition>", "gpu": "<task definition>"}}' });
          return z.NEVER;
        }
      }),
    /** The capacity provider of GPU EC2 instances; required to launch GPU jobs. */
    VRACU_ECS_GPU_CAPACITY_PROVIDER: z.string().min(1).optional(),
    /** Container names in the task definition (lib/stacks/compute.ts). */
    VRACU_ECS_WORKLOAD_CONTAINER: z.string().min(1).default(WORKLOAD_CONTAINER_NAME),
    VRACU_ECS_SIDECAR_CONTAINER: z.string().min(1).default(SIDECAR_CONTAINER_NAME),
  })
  .refine((c) => c.VRACU_ECS_TASK_DEFINITION || Object.keys(c.VRACU_ECS_TASK_DEFINITIONS).length > 0, {
    path: ['VRACU_ECS_TASK_DEFINITION'],
    message: 'set VRACU_ECS_TASK_DEFINITION or VRACU_ECS_TASK_DEFINITIONS',
  });
export type EcsConfig = z.infer<typeof EcsConfigSchema>;

/** Parses the ECS settings from the environment; throws naming each bad variable. */
export function loadEcsConfig(env: NodeJS.ProcessEnv = process.env): EcsConfig {
  const parsed = EcsConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`invalid ECS driver configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
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
    const taskDefinition = this.taskDefinitionFor(spec.image, gpu);
    const size = this.sizeFor(spec, gpu);
    return {
      cluster: this.cfg.VRACU_ECS_CLUSTER,
      taskDefinition,
      count: 1,
      startedBy: spec.jobId,
      // Retried launches of the same job return the same task instead of a second one.
      clientToken: spec.jobId.slice(0, 64),
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
            environment: [
              { name: 'VRACU_JOB_ID', value: spec.jobId },
              { name: 'VRACU_JOB_TIMEOUT_MS', value: String(spec.timeoutMs) },
              { name: 'VRACU_SIDECAR_WORKLOAD_CONTAINER', value: this.cfg.VRACU_ECS_WORKLOAD_CONTAINER },
              { name: 'VRACU_SIDECAR_WIPE_DIRS', value: SIDECAR_WIPE_DIRS },
            ],
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

  async stop(containerId: string, reason: string): Promise<void> {
    try {
      await this.client.send(
        new StopTaskCommand({ cluster: this.cfg.VRACU_ECS_CLUSTER, task: containerId, reason: reason.slice(0, MAX_STOP_REASON_CHARS) }),
      );
    } catch (err) {
      // A task ECS no longer knows is stopped already: stopping is idempotent.
      if ((err as { name?: string }).name === 'InvalidParameterException' && /not found/i.test((err as Error).message)) return;
      throw err;
    }
  }

  async describe(containerId: string): Promise<ContainerState | null> {
    const out = await this.client.send(
      new DescribeTasksCommand({ cluster: this.cfg.VRACU_ECS_CLUSTER, tasks: [containerId], include: ['TAGS'] }),
    );
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
