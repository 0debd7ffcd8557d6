/**
 * The local sandbox driver on real processes: under bubblewrap when it is installed, and
 * always as a child process (forced), with and without a memory cgroup.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../functions/platform/clock.ts';
import { MemoryPublisher } from '../../../../functions/platform/events.ts';
import type { LaunchSpec } from '../../../../functions/jobs/drivers/driver.ts';
import { ContainerLaunchError } from '../../../../functions/jobs/drivers/launch-error.ts';
import { parseEcsTaskStateChange, toContainerState } from '../../../../events/ecs-task-state.ts';
import { LocalSandboxDriver, type LocalSandboxOptions } from '../../../../local/sandbox/driver.ts';
import { detectHostTools } from '../../../../local/sandbox/host-tools.ts';

const host = detectHostTools();

interface Mode {
  name: string;
  available: string | true;
  options: Partial<LocalSandboxOptions>;
}

const MODES: Mode[] = [
  { name: 'bubblewrap', available: host.bwrap ? true : 'bwrap is not installed (apt-get install bubblewrap)', options: { isolation: 'bwrap' } },
  { name: 'child process', available: true, options: { isolation: 'process' } },
  // What a machine without cgroup access gets: prlimit for memory; as a plain user, no setpriv.
  {
    name: 'child process, prlimit, no privilege drop',
    available: host.prlimit ? true : 'prlimit is not installed',
    options: { isolation: 'process', tools: { ...host, bwrap: null, memoryCgroup: null, root: false } },
  },
];

const drivers: LocalSandboxDriver[] = [];
afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
});

function setup(mode: Mode, extra: Partial<LocalSandboxOptions> = {}) {
  const publisher = new MemoryPublisher();
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
  const driver = new LocalSandboxDriver({ publisher, clock, stopGraceMs: 500, ...mode.options, ...extra });
  drivers.push(driver);
  // Wrapped as the event bus does, then parsed as the task-event consumer will.
  const events = () =>
    publisher.events.map((e) =>
      parseEcsTaskStateChange({
        version: '0',
        id: 'x',
        'detail-type': e.detailType,
        source: e.source,
        account: '000000000000',
        time: e.time,
        region: 'local',
        resources: [],
        detail: e.detail,
      }),
    );
  return { driver, publisher, clock, events };
}

const spec = (over: Partial<LaunchSpec> = {}): LaunchSpec => ({
  jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
  image: 'vracu/job-runner:local',
  command: ['sh', '-c', 'echo hello; exit 3'],
  env: { JOB_INPUT: 'abc' },
  cpuUnits: 1024,
  memoryMb: 512,
  gpus: 0,
  timeoutMs: 20_000,
  network: 'none',
  tags: { tenant: 'ten_1' },
  ...over,
});

/** Host pids whose command line contains `marker` (works across pid namespaces). */
function pidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker)) out.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** The `sleep <marker>` processes themselves (not the wrappers whose argv mentions them). */
const sleepers = (marker: string): number[] =>
  pidsWith(marker).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv[0]?.endsWith('sleep') && argv[1] === marker;
    } catch {
      return false;
    }
  });

/** A sleep duration nobody else uses, to find our processes by. */
const uniqueSleep = () => `${900 + (randomBytes(2).readUInt16BE() % 99)}.${randomBytes(2).readUInt16BE()}`;

for (const mode of MODES) {
  const run = mode.available === true ? describe : describe.skip;
  if (mode.available !== true) console.warn(`skipping local sandbox tests "${mode.name}": ${mode.available}`);

  run(`local sandbox: ${mode.name}`, () => {
    it('runs the command and reports PENDING → RUNNING → STOPPED with the exit code, versions increasing', async () => {
      const { driver, events } = setup(mode);
      const { containerId } = await driver.launch(spec());
      const final = await driver.waitStopped(containerId);
      expect(final).toMatchObject({ containerId, jobId: spec().jobId, lastStatus: 'STOPPED', exitCode: 3, stopCode: 'EssentialContainerExited' });
      const evs = events();
      expect(evs.map((e) => [e.detail.lastStatus, e.detail.version])).toEqual([
        ['PENDING', 1],
        ['RUNNING', 2],
        ['STOPPED', 3],
      ]);
      expect(evs.every((e) => e.source === 'aws.ecs' && e.detail.taskArn === containerId && e.detail.startedBy === spec().jobId)).toBe(true);
      expect(toContainerState(evs[2]!)).toEqual(final);
      expect(evs[2]!.detail.containers[0]).toMatchObject({ name: 'workload', exitCode: 3, lastStatus: 'STOPPED' });
      expect(evs[2]!.detail.tags).toEqual([{ key: 'tenant', value: 'ten_1' }]);
      expect(driver.logs(containerId)).toBe('hello\n');
    });

    it('wipes the work dir on exit and says so in the STOPPED event', async () => {
      const { driver, publisher } = setup(mode);
      const { containerId } = await driver.launch(spec({ command: ['sh', '-c', 'echo secret-data > result.bin; ls'] }));
      const { workDir, cgroupDir } = driver.inspect(containerId)!;
      if (mode.options.tools?.memoryCgroup !== null && host.memoryCgroup) expect(cgroupDir).toBeDefined();
      await driver.waitStopped(containerId);
      if (cgroupDir) expect(existsSync(cgroupDir)).toBe(false);
      expect(driver.logs(containerId)).toContain('result.bin');
      expect(existsSync(workDir)).toBe(false);
      expect(driver.inspect(containerId)!.workDirWiped).toBe(true);
      expect((publisher.events.at(-1)!.detail.sandbox as { workDirWiped: boolean }).workDirWiped).toBe(true);
    });

    it('passes only the explicit environment: a secret in the parent env is not visible', async () => {
      process.env.VRACU_TEST_PARENT_SECRET = 'do-not-leak-7f3a';
      try {
        const { driver } = setup(mode);
        const { containerId } = await driver.launch(spec({ command: ['env'] }));
        await driver.waitStopped(containerId);
        const env = driver.logs(containerId)!;
        expect(env).not.toContain('do-not-leak-7f3a');
        expect(env).not.toContain('AWS_');
        expect(env).toContain('JOB_INPUT=abc');
        expect(env).toContain(`VRACU_JOB_ID=${spec().jobId}`);
        const names = env
          .trim()
          .split('\n')
          .map((l) => l.split('=')[0])
          .sort();
        expect(names).toEqual(expect.arrayContaining(['HOME', 'JOB_INPUT', 'LANG', 'PATH', 'TMPDIR', 'VRACU_JOB_ID', 'VRACU_WORK_DIR']));
        expect(
          names.filter((n) => !['HOME', 'JOB_INPUT', 'LANG', 'PATH', 'TMPDIR', 'VRACU_JOB_ID', 'VRACU_WORK_DIR', 'PWD', 'SHLVL', '_'].includes(n as string)),
        ).toEqual([]);
      } finally {
        delete process.env.VRACU_TEST_PARENT_SECRET;
      }
    });

    it('cannot read a 0600 key file of the exchange (except without a privilege drop, as documented)', async () => {
      const keyDir = mkdtempSync(join(tmpdir(), 'vracu-keys-'));
      const keyFile = join(keyDir, 'keys.json');
      writeFileSync(keyFile, '{"wif":"L1-secret-key-material"}', { mode: 0o600 });
      try {
        const { driver } = setup(mode);
        const { containerId } = await driver.launch(spec({ command: ['cat', keyFile] }));
        const final = await driver.waitStopped(containerId);
        const dropsPrivileges = (mode.options.tools ?? host).root;
        if (dropsPrivileges || mode.options.isolation === 'bwrap') {
          expect(final!.exitCode).not.toBe(0);
          expect(driver.logs(containerId)).not.toContain('L1-secret-key-material');
        } else {
          // the child-process mode as an ordinary user: same uid, same files (docs/containers.md)
          expect(driver.logs(containerId)).toContain('L1-secret-key-material');
        }
      } finally {
        rmSync(keyDir, { recursive: true, force: true });
      }
    });

    it('stops at the timeout: UserInitiated, reason "timeout", nothing left running', async () => {
      const { driver } = setup(mode);
      const marker = uniqueSleep();
      const t0 = Date.now();
      const { containerId } = await driver.launch(spec({ command: ['sh', '-c', `sleep ${marker}`], timeoutMs: 400 }));
      const final = await driver.waitStopped(containerId);
      const ms = Date.now() - t0;
      expect(final).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'timeout' });
      expect(final!.exitCode).toBeGreaterThan(0);
      expect(ms).toBeGreaterThanOrEqual(400);
      expect(ms).toBeLessThan(5000);
      expect(pidsWith(marker)).toEqual([]);
    });

    it.runIf(host.timeout)('enforces the time limit with timeout(1) even while the driver is blocked', async () => {
      const { driver } = setup(mode, { timeoutGraceMs: 200 });
      const marker = uniqueSleep();
      const { containerId } = await driver.launch(spec({ command: ['sh', '-c', `sleep ${marker}`], timeoutMs: 300 }));
      for (let i = 0; i < 500 && sleepers(marker).length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sleepers(marker)).toHaveLength(1);
      // Block the event loop past the deadline: the driver's own timer cannot run.
      const until = Date.now() + 3000;
      while (Date.now() < until && sleepers(marker).length > 0) {
        // spin
      }
      expect(sleepers(marker)).toEqual([]);
      expect(Date.now()).toBeLessThan(until);
      const final = await driver.waitStopped(containerId);
      expect(final).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'timeout' });
    });

    it('stop() kills the whole process group, background children included, and is idempotent', async () => {
      const { driver, publisher } = setup(mode);
      const marker = uniqueSleep();
      const { containerId } = await driver.launch(spec({ command: ['sh', '-c', `sleep ${marker} & sleep ${marker} & echo started; wait`] }));
      const pid = driver.inspect(containerId)!.pid!;
      for (let i = 0; i < 250 && sleepers(marker).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(sleepers(marker)).toHaveLength(2);
      await driver.stop(containerId, 'cancelled by buyer');
      await driver.stop(containerId, 'again');
      const final = await driver.waitStopped(containerId);
      expect(final).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'cancelled by buyer' });
      expect(pidsWith(marker)).toEqual([]);
      expect(() => process.kill(pid, 0)).toThrow();
      await driver.stop(containerId, 'after the end');
      expect(publisher.events.filter((e) => e.detail.lastStatus === 'STOPPED')).toHaveLength(1);
    });

    it('reports a command that cannot start as TaskFailedToStart, and still wipes', async () => {
      const { driver } = setup(mode);
      const { containerId } = await driver.launch(spec({ command: ['no-such-binary-vracu'] }));
      const final = await driver.waitStopped(containerId);
      expect(final).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
      expect(final!.stoppedReason).toContain('no-such-binary-vracu');
      expect(driver.inspect(containerId)!.workDirWiped).toBe(true);
    });

    it('keeps only the newest output bytes', async () => {
      const { driver } = setup(mode, { logLimitBytes: 1000 });
      const { containerId } = await driver.launch(spec({ command: ['sh', '-c', 'i=0; while [ $i -lt 500 ]; do echo line-$i; i=$((i+1)); done'] }));
      await driver.waitStopped(containerId);
      const logs = driver.logs(containerId)!;
      expect(Buffer.byteLength(logs)).toBe(1000);
      expect(logs.endsWith('line-499\n')).toBe(true);
    });
  });
}

describe('local sandbox: memory limit', () => {
  it.runIf(host.memoryCgroup)('a workload over its memory is OOM-killed: exit 137, stoppedReason OutOfMemory (cgroup)', async () => {
    const { driver } = setup(MODES[1]!);
    const { containerId } = await driver.launch(spec({ command: ['node', '-e', 'const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))'], memoryMb: 96 }));
    const final = await driver.waitStopped(containerId);
    expect(final).toMatchObject({ lastStatus: 'STOPPED', exitCode: 137, stopCode: 'EssentialContainerExited', stoppedReason: 'OutOfMemory' });
  });

  it.runIf(host.memoryCgroup && host.bwrap)('the same under bubblewrap', async () => {
    const { driver } = setup(MODES[0]!);
    const { containerId } = await driver.launch(spec({ command: ['sh', '-c', 'head -c 400m /dev/zero | tail'], memoryMb: 64 }));
    const final = await driver.waitStopped(containerId);
    expect(final).toMatchObject({ exitCode: 137, stoppedReason: 'OutOfMemory' });
  });

  it.runIf(host.prlimit)('with prlimit only, an allocation over the limit fails (the exit is the workload’s own)', async () => {
    const { driver } = setup(MODES[2]!);
    const { containerId } = await driver.launch(spec({ command: ['sh', '-c', 'head -c 400m /dev/zero | tail > /dev/null'], memoryMb: 64 }));
    const final = await driver.waitStopped(containerId);
    expect(final!.exitCode).not.toBe(0);
    expect(driver.logs(containerId)).toMatch(/memory/i);
  });

  if (!host.memoryCgroup) console.warn('skipping cgroup OOM tests: no writable memory cgroup on this machine');
});

describe.runIf(host.bwrap)('local sandbox: bubblewrap isolation', () => {
  const bw = MODES[0]!;

  it('runs as nobody with a read-only root, a private /tmp, /app/job as cwd and no host secrets', async () => {
    const { driver } = setup(bw);
    const { containerId } = await driver.launch(
      spec({
        command: [
          'sh',
          '-c',
          'id -u; pwd; touch /usr/x 2>/dev/null && echo usr-writable; touch /tmp/t && echo tmp-ok; ls -d /root /work /home 2>&1 | grep -c "No such"; cat /proc/self/status | grep CapEff',
        ],
      }),
    );
    await driver.waitStopped(containerId);
    const out = driver.logs(containerId)!.split('\n');
    expect(out[0]).toBe(host.root ? '65534' : String(process.getuid?.()));
    expect(out[1]).toBe('/app/job');
    expect(out).not.toContain('usr-writable');
    expect(out).toContain('tmp-ok');
    expect(out[3]).toBe('3');
    expect(out[4]).toMatch(/CapEff:\s+0+$/);
  });

  it('shows an extra read-only path under /tmp (as a secrets dir is) despite the private /tmp, and keeps it read-only', async () => {
    const extra = mkdtempSync(join(tmpdir(), 'vracu-ro-'));
    writeFileSync(join(extra, 'dek'), 'key-bytes', { mode: 0o644 });
    chmodSync(extra, 0o755);
    const { driver } = setup(bw, { readOnlyPaths: [extra] });
    const { containerId } = await driver.launch(
      spec({ command: ['sh', '-c', `cat ${extra}/dek; echo; touch ${extra}/x 2>/dev/null && echo ro-broken; touch /tmp/t && echo tmp-ok`] }),
    );
    await driver.waitStopped(containerId);
    rmSync(extra, { recursive: true, force: true });
    expect(driver.logs(containerId)!.split('\n')).toEqual(['key-bytes', 'tmp-ok', '']);
  });

  it('has only loopback unless the plan needs the exchange', async () => {
    const { driver } = setup(bw);
    const count = ['sh', '-c', "tail -n +3 /proc/net/dev | awk -F: '{print $1}' | tr -d ' ' | sort | tr '\\n' ,"];
    const none = await driver.launch(spec({ command: count, network: 'none' }));
    const exch = await driver.launch(spec({ command: count, network: 'exchange' }));
    await driver.waitStopped(none.containerId);
    await driver.waitStopped(exch.containerId);
    expect(driver.logs(none.containerId)).toBe('lo,');
    const hostIfs = readFileSync('/proc/net/dev', 'utf8').trim().split('\n').slice(2).length;
    expect(driver.logs(exch.containerId)!.split(',').filter(Boolean)).toHaveLength(hostIfs);
  });

  it('reports its isolation and deletion method', () => {
    const { driver } = setup(bw);
    expect([driver.kind, driver.isolation, driver.dataVolumes, driver.deletionMethod]).toEqual([
      'local',
      'bwrap',
      ['/app/job', '/tmp'],
      'bwrap-tmpfs-and-workdir-removed',
    ]);
  });
});

describe('local sandbox: refusals', () => {
  it('knows nothing of an unknown container: describe null, logs null, stop a no-op', async () => {
    const { driver, publisher } = setup(MODES[1]!);
    const id = 'arn:aws:ecs:local:000000000000:task/vracu-local/00000000000000000000000000000000';
    expect(await driver.describe(id)).toBeNull();
    expect(driver.logs(id)).toBeNull();
    await driver.stop(id, 'cancel');
    expect(publisher.events).toEqual([]);
  });

  it.each([
    ['an image off the allow-list', spec({ image: 'evil/miner:latest' }), 'image_not_allowed'],
    ['an empty command', spec({ command: [] }), 'invalid_spec'],
    ['a GPU job', spec({ gpus: 1 }), 'capacity_unavailable'],
  ])('refuses %s before creating anything', async (_n, s, failure) => {
    const { driver, publisher } = setup(MODES[1]!, { allowedImages: ['vracu/job-runner:local'] });
    const err = (await driver.launch(s).catch((e: unknown) => e)) as ContainerLaunchError;
    expect(err).toBeInstanceOf(ContainerLaunchError);
    expect(err.failure).toBe(failure);
    expect(publisher.events).toEqual([]);
  });
});
