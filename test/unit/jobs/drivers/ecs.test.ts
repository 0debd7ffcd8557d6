import { describe, expect, it } from 'vitest';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { EcsDriver, loadEcsConfig, taskToContainerState } from '../../../../functions/jobs/drivers/ecs.ts';
import { fargateSize } from '../../../../functions/jobs/drivers/ecs-task-definition.ts';
import { ContainerLaunchError } from '../../../../functions/jobs/drivers/launch-error.ts';
import type { LaunchSpec } from '../../../../functions/jobs/drivers/driver.ts';

const ENV = {
  VRACU_ECS_CLUSTER: 'vracu-jobs',
  VRACU_ECS_SUBNETS: 'subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788',
  VRACU_ECS_SECURITY_GROUP: 'sg-0123456789abcdef0',
  VRACU_ECS_TASK_DEFINITIONS: JSON.stringify({
    'vracu/job-runner:2026.11': { cpu: 'vracu-job-cpu:3', gpu: 'vracu-job-gpu:2' },
    '*': { cpu: 'vracu-job-default:1', external: 'vracu-job-external:1' },
  }),
  VRACU_ECS_GPU_CAPACITY_PROVIDER: 'vracu-gpu-g5',
};
const TASK_ARN = 'arn:aws:ecs:us-east-1:111122223333:task/vracu-jobs/c13b4cb40f1f4fe4a2971f76ae5a47ad';

const spec = (over: Partial<LaunchSpec> = {}): LaunchSpec => ({
  jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
  image: 'vracu/job-runner:2026.11',
  command: ['python', 'train.py', '--epochs', '3'],
  env: { VRACU_API_URL: 'https://api.example', B: '2', A: '1' },
  cpuUnits: 1024,
  memoryMb: 2048,
  gpus: 0,
  timeoutMs: 3_600_000,
  network: 'exchange',
  tags: { tenant: 'ten_1', adapter: 'training' },
  ...over,
});

/** An ECSClient whose `send` records commands and answers with AWS-shaped responses. */
function fakeEcs(reply: (cmd: object) => unknown) {
  const client = new ECSClient({ region: 'us-east-1' });
  const sent: object[] = [];
  client.send = (async (cmd: object) => {
    sent.push(cmd);
    const r = reply(cmd);
    if (r instanceof Error) throw r;
    return r;
  }) as unknown as typeof client.send;
  return { client, sent };
}

const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name, $fault: 'client' });
const runOk = () => ({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', version: 1, startedBy: spec().jobId }], failures: [] });

describe('EcsDriver.launch (RunTask)', () => {
  it('runs a CPU job on Fargate with the exact request shape', async () => {
    const { client, sent } = fakeEcs(runOk);
    const d = new EcsDriver(client, loadEcsConfig(ENV));
    await expect(d.launch(spec())).resolves.toEqual({ containerId: TASK_ARN });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(RunTaskCommand);
    expect((sent[0] as RunTaskCommand).input).toEqual({
      cluster: 'vracu-jobs',
      taskDefinition: 'vracu-job-cpu:3',
      count: 1,
      startedBy: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
      clientToken: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
          securityGroups: ['sg-0123456789abcdef0'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: {
        cpu: '1024',
        memory: '2048',
        containerOverrides: [
          {
            name: 'workload',
            command: ['python', 'train.py', '--epochs', '3'],
            environment: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
              { name: 'VRACU_API_URL', value: 'https://api.example' },
            ],
          },
          {
            name: 'sidecar',
            environment: [
              { name: 'VRACU_JOB_ID', value: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F' },
              { name: 'VRACU_JOB_TIMEOUT_MS', value: '3600000' },
              { name: 'VRACU_SIDECAR_WORKLOAD_CONTAINER', value: 'workload' },
              { name: 'VRACU_SIDECAR_WIPE_DIRS', value: '/app/job,/app/scratch' },
            ],
          },
        ],
      },
      tags: [
        { key: 'vracu:job', value: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F' },
        { key: 'adapter', value: 'training' },
        { key: 'tenant', value: 'ten_1' },
      ],
      enableECSManagedTags: true,
      propagateTags: 'TASK_DEFINITION',
      enableExecuteCommand: false,
    });
  });

  it("gives an attested job's credential to the sidecar's overrides only, never the workload's", async () => {
    const { client, sent } = fakeEcs(runOk);
    const d = new EcsDriver(client, loadEcsConfig(ENV));
    const credential = `vj_${'x'.repeat(43)}`;
    await d.launch(spec({ sidecarEnv: { VRACU_SIDECAR_JOB_CREDENTIAL: credential } }));
    const overrides = (sent[0] as RunTaskCommand).input.overrides!.containerOverrides!;
    const env = (name: string) => overrides.find((c) => c.name === name)!.environment!;
    expect(env('sidecar')).toContainEqual({ name: 'VRACU_SIDECAR_JOB_CREDENTIAL', value: credential });
    expect(JSON.stringify(env('workload'))).not.toContain(credential);
  });

  it('sends GPU jobs to the GPU capacity provider with a GPU resource requirement, no launch type', async () => {
    const { client, sent } = fakeEcs(runOk);
    await new EcsDriver(client, loadEcsConfig(ENV)).launch(spec({ gpus: 2, cpuUnits: 8192, memoryMb: 61_000 }));
    const input = (sent[0] as RunTaskCommand).input;
    expect(input.launchType).toBeUndefined();
    expect(input.platformVersion).toBeUndefined();
    expect(input.capacityProviderStrategy).toEqual([{ capacityProvider: 'vracu-gpu-g5', weight: 1, base: 0 }]);
    expect(input.taskDefinition).toBe('vracu-job-gpu:2');
    expect(input.overrides?.cpu).toBe('8192');
    expect(input.overrides?.memory).toBe('61000');
    expect(input.overrides?.containerOverrides?.[0]?.resourceRequirements).toEqual([{ type: 'GPU', value: '2' }]);
    expect(input.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe('DISABLED');
  });

  it("runs a joined provider's job on its ECS Anywhere instance: EXTERNAL, pinned by the provider attribute, no awsvpc", async () => {
    const { client, sent } = fakeEcs(runOk);
    const providerId = 'prv_01JD3Q4W5X6Y7Z8A9B0C1D2E3F';
    await new EcsDriver(client, loadEcsConfig(ENV)).launch(spec({ gpus: 2, cpuUnits: 3000, memoryMb: 5000, tags: { tenant: 'ten_1', provider: providerId } }));
    const input = (sent[0] as RunTaskCommand).input;
    expect(input).toMatchObject({
      taskDefinition: 'vracu-job-external:1',
      launchType: 'EXTERNAL',
      placementConstraints: [{ type: 'memberOf', expression: `attribute:vracu.provider == ${providerId}` }],
      overrides: { cpu: '3000', memory: '5000' },
    });
    expect(input.overrides?.containerOverrides?.[0]?.resourceRequirements).toEqual([{ type: 'GPU', value: '2' }]);
    expect(input).not.toHaveProperty('networkConfiguration');
    expect(input).not.toHaveProperty('capacityProviderStrategy');
    expect(input).not.toHaveProperty('platformVersion');
  });

  it.each([
    ['a catalog fixture', 'nimbus-h100'],
    ['the exchange pool', 'exchange'],
    ['an id that is not a ULID (never reaches the cluster query)', 'prv_x == y or attribute:a'],
  ])('runs %s on the exchange capacity (Fargate), not on an external instance', async (_n, provider) => {
    const { client, sent } = fakeEcs(runOk);
    await new EcsDriver(client, loadEcsConfig(ENV)).launch(spec({ tags: { provider } }));
    expect((sent[0] as RunTaskCommand).input).toMatchObject({ launchType: 'FARGATE' });
    expect((sent[0] as RunTaskCommand).input).not.toHaveProperty('placementConstraints');
  });

  it('refuses a joined provider job when no EXTERNAL task definition exists for its image', async () => {
    const { client } = fakeEcs(runOk);
    const env = { ...ENV, VRACU_ECS_TASK_DEFINITIONS: JSON.stringify({ '*': { cpu: 'vracu-job-default:1' } }) };
    await expect(new EcsDriver(client, loadEcsConfig(env)).launch(spec({ tags: { provider: 'prv_01JD3Q4W5X6Y7Z8A9B0C1D2E3F' } }))).rejects.toMatchObject({
      failure: 'no_task_definition',
      retryable: false,
    });
  });

  it('rounds a Fargate size up to the nearest valid pair', async () => {
    const { client, sent } = fakeEcs(runOk);
    await new EcsDriver(client, loadEcsConfig(ENV)).launch(spec({ cpuUnits: 700, memoryMb: 3000 }));
    expect([(sent[0] as RunTaskCommand).input.overrides?.cpu, (sent[0] as RunTaskCommand).input.overrides?.memory]).toEqual(['1024', '3072']);
  });

  it("works with the compute stack's settings: one task definition, public IP in public subnets, its container names", async () => {
    const { client, sent } = fakeEcs(runOk);
    const env = {
      VRACU_ECS_CLUSTER: 'arn:aws:ecs:us-east-1:111122223333:cluster/vracu-dev-jobs',
      VRACU_ECS_TASK_DEFINITION: 'arn:aws:ecs:us-east-1:111122223333:task-definition/vracu-dev-job:7',
      VRACU_ECS_SUBNETS: 'subnet-0a1b2c3d4e5f60718',
      VRACU_ECS_SECURITY_GROUP: 'sg-0123456789abcdef0',
      VRACU_ECS_ASSIGN_PUBLIC_IP: 'ENABLED',
    };
    await new EcsDriver(client, loadEcsConfig(env)).launch(spec({ image: 'anything:1' }));
    const input = (sent[0] as RunTaskCommand).input;
    expect(input.cluster).toBe(env.VRACU_ECS_CLUSTER);
    expect(input.taskDefinition).toBe(env.VRACU_ECS_TASK_DEFINITION);
    expect(input.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe('ENABLED');
    expect(input.overrides?.containerOverrides?.map((c) => c.name)).toEqual(['workload', 'sidecar']);
    // GPU jobs need their own task definition and capacity provider
    const err = (await new EcsDriver(client, loadEcsConfig(env)).launch(spec({ gpus: 1 })).catch((e: unknown) => e)) as ContainerLaunchError;
    expect(err.failure).toBe('no_task_definition');
  });

  it('uses the * task definition for other images', async () => {
    const { client, sent } = fakeEcs(runOk);
    await new EcsDriver(client, loadEcsConfig(ENV)).launch(spec({ image: 'other/image:1' }));
    expect((sent[0] as RunTaskCommand).input.taskDefinition).toBe('vracu-job-default:1');
  });

  it.each([
    ['a GPU job for an image without a GPU task definition', spec({ image: 'other/image:1', gpus: 1 }), 'no_task_definition'],
    ['a size Fargate has not', spec({ cpuUnits: 16384, memoryMb: 200_000 }), 'invalid_spec'],
    ['a job id ECS cannot take as startedBy', spec({ jobId: 'job 1!' }), 'invalid_spec'],
    ['a zero memory size', spec({ memoryMb: 0 }), 'invalid_spec'],
  ])('refuses %s without calling ECS', async (_name, s, failure) => {
    const { client, sent } = fakeEcs(runOk);
    const err = await new EcsDriver(client, loadEcsConfig(ENV)).launch(s).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerLaunchError);
    expect((err as ContainerLaunchError).failure).toBe(failure);
    expect((err as ContainerLaunchError).retryable).toBe(false);
    expect(sent).toHaveLength(0);
  });

  it('turns RunTask failures[] into a retryable capacity error with the reasons', async () => {
    const { client } = fakeEcs(() => ({
      tasks: [],
      failures: [{ arn: 'arn:aws:ecs:us-east-1:111122223333:container-instance/abc', reason: 'RESOURCE:GPU', detail: 'no instance has 2 free GPUs' }],
    }));
    const err = (await new EcsDriver(client, loadEcsConfig(ENV)).launch(spec({ gpus: 2 })).catch((e: unknown) => e)) as ContainerLaunchError;
    expect(err).toBeInstanceOf(ContainerLaunchError);
    expect([err.failure, err.retryable, err.reasons]).toEqual(['capacity_unavailable', true, ['RESOURCE:GPU: no instance has 2 free GPUs']]);
    expect(err.message).toContain('RESOURCE:GPU');
  });

  it('turns other failures into a non-retryable error', async () => {
    const { client } = fakeEcs(() => ({ tasks: [], failures: [{ reason: 'MISSING', detail: 'task definition not found' }] }));
    const err = (await new EcsDriver(client, loadEcsConfig(ENV)).launch(spec()).catch((e: unknown) => e)) as ContainerLaunchError;
    expect([err.failure, err.retryable]).toEqual(['failed_to_start', false]);
  });

  it('maps an SDK rejection to "rejected" and lets other errors through for a retry', async () => {
    const rejected = fakeEcs(() => awsError('InvalidParameterException', 'Task definition does not support launch_type FARGATE.'));
    const e1 = (await new EcsDriver(rejected.client, loadEcsConfig(ENV)).launch(spec()).catch((e: unknown) => e)) as ContainerLaunchError;
    expect([e1.failure, e1.retryable]).toEqual(['rejected', false]);
    const outage = fakeEcs(() => awsError('ServerException', 'internal'));
    const e2 = (await new EcsDriver(outage.client, loadEcsConfig(ENV)).launch(spec()).catch((e: unknown) => e)) as Error;
    expect(e2).not.toBeInstanceOf(ContainerLaunchError);
    expect(e2.name).toBe('ServerException');
  });

  it('reports dataVolumes and the deletion method of Fargate', () => {
    const d = new EcsDriver(fakeEcs(runOk).client, loadEcsConfig(ENV));
    expect([d.kind, d.dataVolumes, d.deletionMethod]).toEqual(['ecs', ['/app/job', '/tmp'], 'fargate-task-stopped']);
  });
});

describe('EcsDriver.stop (StopTask)', () => {
  it('stops with the reason, cut to 255 characters', async () => {
    const { client, sent } = fakeEcs(() => ({ task: { taskArn: TASK_ARN, desiredStatus: 'STOPPED' } }));
    await new EcsDriver(client, loadEcsConfig(ENV)).stop(TASK_ARN, 'x'.repeat(300));
    expect(sent[0]).toBeInstanceOf(StopTaskCommand);
    expect((sent[0] as StopTaskCommand).input).toEqual({ cluster: 'vracu-jobs', task: TASK_ARN, reason: 'x'.repeat(255) });
  });

  it('is idempotent: a task ECS no longer knows answers gone (the caller finishes it as lost)', async () => {
    const { client } = fakeEcs(() => awsError('InvalidParameterException', 'The referenced task was not found.'));
    await expect(new EcsDriver(client, loadEcsConfig(ENV)).stop(TASK_ARN, 'cancel')).resolves.toBe('gone');
  });

  it('lets other errors through', async () => {
    const { client } = fakeEcs(() => awsError('AccessDeniedException', 'nope'));
    await expect(new EcsDriver(client, loadEcsConfig(ENV)).stop(TASK_ARN, 'cancel')).rejects.toThrow('nope');
  });
});

describe('EcsDriver.describe (DescribeTasks)', () => {
  it('maps a stopped task (dates as Date) to the port state', async () => {
    const { client, sent } = fakeEcs(() => ({
      tasks: [
        {
          taskArn: TASK_ARN,
          clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/vracu-jobs',
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          version: 6,
          startedBy: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          createdAt: new Date('2026-11-23T12:00:00.402Z'),
          startedAt: new Date('2026-11-23T12:00:12.103Z'),
          stoppedAt: new Date('2026-11-23T12:05:30.912Z'),
          containers: [
            { name: 'sidecar', lastStatus: 'STOPPED', exitCode: 0 },
            { name: 'workload', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
          ],
        },
      ],
      failures: [],
    }));
    const s = await new EcsDriver(client, loadEcsConfig(ENV)).describe(TASK_ARN);
    expect((sent[0] as DescribeTasksCommand).input).toEqual({ cluster: 'vracu-jobs', tasks: [TASK_ARN], include: ['TAGS'] });
    expect(s).toEqual({
      containerId: TASK_ARN,
      jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
      lastStatus: 'STOPPED',
      version: 6,
      exitCode: 137,
      stopCause: 'out_of_memory',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'OutOfMemory',
      createdAt: '2026-11-23T12:00:00.402Z',
      startedAt: '2026-11-23T12:00:12.103Z',
      stoppedAt: '2026-11-23T12:05:30.912Z',
    });
  });

  it('returns null for a task ECS reports MISSING', async () => {
    const { client } = fakeEcs(() => ({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] }));
    await expect(new EcsDriver(client, loadEcsConfig(ENV)).describe(TASK_ARN)).resolves.toBeNull();
  });

  it('falls back to the job tag when startedBy is absent', () => {
    const s = taskToContainerState({ taskArn: TASK_ARN, lastStatus: 'RUNNING', version: 3, tags: [{ key: 'vracu:job', value: 'job_X' }], containers: [] });
    expect([s.jobId, s.lastStatus, s.version]).toEqual(['job_X', 'RUNNING', 3]);
  });
});

describe('ECS configuration', () => {
  it.each([
    ['VRACU_ECS_CLUSTER', { VRACU_ECS_CLUSTER: undefined }],
    ['VRACU_ECS_SUBNETS', { VRACU_ECS_SUBNETS: 'subnet-1, vpc-0123456789abcdef0' }],
    ['VRACU_ECS_SECURITY_GROUP', { VRACU_ECS_SECURITY_GROUP: 'default' }],
    ['VRACU_ECS_TASK_DEFINITIONS', { VRACU_ECS_TASK_DEFINITIONS: '{"img": "not-an-object"}' }],
    ['VRACU_ECS_TASK_DEFINITION', { VRACU_ECS_TASK_DEFINITIONS: undefined }],
    ['VRACU_ECS_ASSIGN_PUBLIC_IP', { VRACU_ECS_ASSIGN_PUBLIC_IP: 'yes' }],
  ])('fails fast naming %s', (name, over) => {
    expect(() => loadEcsConfig({ ...ENV, ...over })).toThrow(name);
  });
});

describe('fargateSize', () => {
  it.each([
    [1, 1, { cpu: 256, memoryMb: 512 }],
    [256, 2048, { cpu: 256, memoryMb: 2048 }],
    [256, 2049, { cpu: 512, memoryMb: 3072 }],
    [1024, 2048, { cpu: 1024, memoryMb: 2048 }],
    [1025, 2048, { cpu: 2048, memoryMb: 4096 }],
    [4096, 30720, { cpu: 4096, memoryMb: 30720 }],
    [4096, 30721, { cpu: 8192, memoryMb: 32768 }],
    [16384, 122880, { cpu: 16384, memoryMb: 122880 }],
    [16385, 1024, null],
    [1024, 122881, null],
  ])('%i CPU units, %i MiB → %o (never smaller than asked)', (cpu, mem, want) => {
    const got = fargateSize(cpu, mem);
    expect(got).toEqual(want);
    if (got) expect(got.cpu >= cpu && got.memoryMb >= mem).toBe(true);
  });
});
