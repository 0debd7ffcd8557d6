/**
 * Sandbox → local event bus → the task-events queue (fauxqs), as the cloud goes ECS →
 * EventBridge rule → SQS: the consumer receives envelopes it parses with the ECS schema.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../../../support/runtime.ts';
import { LocalEventBus } from '../../../../local/event-bus.ts';
import { processRegistry } from '../../../../local/processes.ts';
import { sandboxBaseDir, sandboxPlugin } from '../../../../local/sandbox/plugin.ts';
import { LocalSandboxDriver } from '../../../../local/sandbox/driver.ts';
import { parseEcsTaskStateChange, toContainerState } from '../../../../events/ecs-task-state.ts';

const registry = processRegistry(mkdtempSync(join(tmpdir(), 'vracu-run-')));

describe('sandbox plugin and task events', () => {
  it('provides the driver and its events reach the task-events queue in ECS shape', async () => {
    const env = await testEnv({ queues: true });
    const bus = new LocalEventBus(env.rt.queues, () => env.clock.nowMs());
    const logs: string[] = [];
    const plugin = await sandboxPlugin({
      runtime: env.rt,
      bus,
      dataDir: null,
      log: (l) => logs.push(l),
      env: { VRACU_SANDBOX_ISOLATION: 'process' },
      provided: {},
      processes: registry,
    });
    try {
      const driver = plugin.provides!.driver!;
      expect(driver).toBeInstanceOf(LocalSandboxDriver);
      expect(logs.join('\n')).toContain('child process');
      const { containerId } = await driver.launch({
        jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
        image: 'vracu/job-runner:local',
        command: ['sh', '-c', 'exit 0'],
        env: {},
        cpuUnits: 1024,
        memoryMb: 256,
        gpus: 0,
        timeoutMs: 10_000,
        network: 'none',
        tags: {},
      });
      await (driver as LocalSandboxDriver).waitStopped(containerId);

      const received: ReturnType<typeof parseEcsTaskStateChange>[] = [];
      for (let i = 0; i < 20 && received.length < 3; i++) {
        const out = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.queues!.taskEvents, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of out.Messages ?? []) received.push(parseEcsTaskStateChange(JSON.parse(m.Body ?? '')));
      }
      const states = received.map(toContainerState).sort((a, b) => a.version - b.version);
      expect(states.map((s) => [s.lastStatus, s.version])).toEqual([
        ['PENDING', 1],
        ['RUNNING', 2],
        ['STOPPED', 3],
      ]);
      expect(states.every((s) => s.containerId === containerId && s.jobId === 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F')).toBe(true);
      expect(states[2]).toMatchObject({ exitCode: 0, stopCode: 'EssentialContainerExited', createdAt: '2026-11-23T12:00:00.000Z' });
    } finally {
      await plugin.stop();
    }
  });

  it('with a data dir, wipes work dirs a crashed run left behind, and uses it for new ones', async () => {
    const env = await testEnv();
    const dataDir = mkdtempSync(join(tmpdir(), 'vracu-data-'));
    const base = sandboxBaseDir(dataDir);
    mkdirSync(join(base, 'vracu-job-stale', 'deep'), { recursive: true });
    writeFileSync(join(base, 'vracu-job-stale', 'deep', 'left.bin'), 'x');
    writeFileSync(join(base, 'not-ours'), 'kept');
    const bus = new LocalEventBus(env.rt.queues, () => env.clock.nowMs());
    const logs: string[] = [];
    // bubblewrap when installed: it must reach the work dir as uid 65534
    const plugin = await sandboxPlugin({ runtime: env.rt, bus, dataDir, log: (l) => logs.push(l), env: {}, provided: {}, processes: registry });
    try {
      expect(readdirSync(base)).toEqual(['not-ours']);
      expect(logs.join('\n')).toContain('wiped 1 work dir');
      const driver = plugin.provides!.driver as LocalSandboxDriver;
      const { containerId } = await driver.launch({
        jobId: 'job_1',
        image: 'i',
        command: ['sh', '-c', 'echo ok > f && cat f'],
        env: {},
        cpuUnits: 256,
        memoryMb: 256,
        gpus: 0,
        timeoutMs: 10_000,
        network: 'none',
        tags: {},
      });
      const workDir = driver.inspect(containerId)!.workDir;
      expect(workDir.startsWith(join(base, 'vracu-job-'))).toBe(true);
      expect(await driver.waitStopped(containerId)).toMatchObject({ exitCode: 0 });
      expect(driver.logs(containerId)).toBe('ok\n');
    } finally {
      await plugin.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('fails fast on a bad isolation setting', async () => {
    const env = await testEnv();
    const bus = new LocalEventBus(env.rt.queues, () => env.clock.nowMs());
    await expect(
      sandboxPlugin({
        runtime: env.rt,
        bus,
        dataDir: null,
        log: () => undefined,
        env: { VRACU_SANDBOX_ISOLATION: 'docker' },
        provided: {},
        processes: registry,
      }),
    ).rejects.toThrow('VRACU_SANDBOX_ISOLATION');
  });
});
