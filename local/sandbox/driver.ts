/**
 * The local container driver: one sandbox per job, under bubblewrap when it is installed
 * (all namespaces unshared, read-only root, a fresh /app/job, no network unless the plan
 * needs the exchange), else a plain child process in a fresh temporary directory. Either
 * way: a minimal explicit environment, a memory limit (a cgroup, else prlimit), a time
 * limit (`timeout -s KILL` and the driver's own timer), captured output, the work dir wiped
 * on exit, and ECS-shaped task-state events. See docs/containers.md.
 *
 * The plan's image is not runnable without Docker: locally the image is a name that must be
 * on the allow-list, and `command` runs directly (`sh -c ...` is fine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Clock } from '../../functions/platform/clock.ts';
import type { EventPublisher } from '../../functions/platform/events.ts';
import type { ContainerDriver, ContainerState, LaunchResult, LaunchSpec } from '../../functions/jobs/drivers/driver.ts';
import { ContainerLaunchError } from '../../functions/jobs/drivers/launch-error.ts';
import { detailToContainerState, OOM_CONTAINER_REASON } from '../../events/ecs-task-state.ts';
import { detectHostTools, findExecutable, type HostTools } from './host-tools.ts';
import { MemoryCgroup } from './memory-cgroup.ts';
import { buildCommand, NOBODY, SANDBOX_WORK_DIR, type Isolation } from './sandbox-command.ts';
import { TailBuffer } from './tail-buffer.ts';
import { sidecarBundle } from './sidecar-bundle.ts';
import type { ProcessRegistry } from '../processes.ts';
import { localTaskArn, taskDetail, taskEvent, type TaskSnapshot } from './task-event.ts';

const WORK_DIR_PREFIX = 'vracu-job-';

export interface LocalSandboxOptions {
  /** Where task-state events go (the local event bus). */
  publisher: EventPublisher;
  /** Timestamps in events; the limits themselves run on real timers. */
  clock: Clock;
  /** `auto`: bubblewrap when installed, else a child process. `bwrap` fails if it is missing. */
  isolation?: 'auto' | Isolation;
  /** Images the sandbox accepts; unset accepts any (the job policy has its own allow-list). */
  allowedImages?: readonly string[];
  /** Parent of the per-job work dirs (default: the OS temp dir). */
  baseDir?: string;
  /** Captured output kept per sandbox (default 1 MiB, the newest bytes). */
  logLimitBytes?: number;
  /** After SIGTERM on stop, SIGKILL follows this much later (ECS: 30 s; default 2 s). */
  stopGraceMs?: number;
  /** `timeout -s KILL` fires this long after the driver's timer (default 1 s). */
  timeoutGraceMs?: number;
  /** Extra host paths visible read-only inside bubblewrap (for example a language runtime). */
  readOnlyPaths?: readonly string[];
  /** Stopped sandboxes whose state and logs are kept (default 512, oldest forgotten first). */
  retainStopped?: number;
  /** Where publishing failures go (default: stderr). */
  onError?: (err: unknown) => void;
  /** Host tools (tests inject a reduced set to force a path). */
  tools?: HostTools;
  /** Told of each sandbox's process group while it runs, so it never outlives the stack (local/processes.ts). */
  processes?: ProcessRegistry;
  /**
   * Attested jobs (a launch with sidecar variables) run under the real sidecar, as in ECS:
   * `node sidecar.mjs -- <the sandboxed workload>` (local/sandbox/sidecar-bundle.ts), talking to the exchange at this URL
   * (set once the gateway listens: setExchangeUrl). Without it the workload runs alone.
   */
  exchangeUrl?: string;
}

/** What `inspect` tells beyond the port's state. */
export interface SandboxInfo {
  state: ContainerState;
  isolation: Isolation;
  memoryLimit: 'cgroup' | 'prlimit' | 'none';
  workDir: string;
  workDirWiped: boolean;
  /** The sandbox's memory cgroup directory, when memory is limited by one. */
  cgroupDir?: string;
  /** Host pid of the sandbox's process-group leader (while it runs). */
  pid?: number;
}

interface Sandbox {
  snap: TaskSnapshot;
  workDir: string;
  /** The sidecar's secrets dir (attested jobs): apart from the work dir, removed at the end. */
  secretsDir?: string;
  child?: ChildProcess;
  cgroup?: MemoryCgroup;
  logs: TailBuffer;
  stopRequested?: string;
  timer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  startedMs?: number;
  timeoutMs: number;
  published: Promise<void>;
  done: Promise<void>;
}

export class LocalSandboxDriver implements ContainerDriver {
  readonly kind = 'local' as const;
  readonly dataVolumes = [SANDBOX_WORK_DIR, '/tmp'];
  readonly deletionMethod: string;
  readonly isolation: Isolation;
  readonly memoryLimit: 'cgroup' | 'prlimit' | 'none';
  private readonly tools: HostTools;
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly stoppedOrder: string[] = [];

  private exchangeUrl: string | undefined;

  /** Where sidecars reach the exchange (the local gateway, once it listens). */
  setExchangeUrl(url: string): void {
    this.exchangeUrl = url;
  }

  constructor(private readonly opts: LocalSandboxOptions) {
    this.exchangeUrl = opts.exchangeUrl;
    this.tools = opts.tools ?? detectHostTools();
    if (opts.baseDir) mkdirSync(opts.baseDir, { recursive: true });
    const want = opts.isolation ?? 'auto';
    if (want === 'bwrap' && !this.tools.bwrap) throw new Error('isolation "bwrap" requested but bwrap is not installed (apt-get install bubblewrap)');
    this.isolation = want === 'process' ? 'process' : this.tools.bwrap ? 'bwrap' : 'process';
    this.memoryLimit = this.tools.memoryCgroup ? 'cgroup' : this.tools.prlimit ? 'prlimit' : 'none';
    // Under bubblewrap /tmp is a tmpfs that dies with the namespace; /app/job is removed by us.
    this.deletionMethod = this.isolation === 'bwrap' ? 'bwrap-tmpfs-and-workdir-removed' : 'process-workdir-removed';
  }

  async launch(spec: LaunchSpec): Promise<LaunchResult> {
    this.check(spec);
    const id = randomBytes(16).toString('hex');
    const taskArn = localTaskArn(id);
    const workDir = mkdtempSync(join(this.opts.baseDir ?? tmpdir(), WORK_DIR_PREFIX));
    // The workload runs as nobody when we are root: it must own its work dir, nothing else.
    if (this.tools.root) chownSync(workDir, NOBODY, NOBODY);
    const now = this.isoNow();
    const sb: Sandbox = {
      snap: {
        taskArn,
        jobId: spec.jobId,
        image: spec.image,
        lastStatus: 'PENDING',
        desiredStatus: 'RUNNING',
        version: 1,
        cpuUnits: spec.cpuUnits,
        memoryMb: spec.memoryMb,
        tags: { ...spec.tags },
        createdAt: now,
        sandbox: { isolation: this.isolation, workDirWiped: false, memoryLimit: this.memoryLimit },
      },
      workDir,
      logs: new TailBuffer(this.opts.logLimitBytes ?? 1024 * 1024),
      timeoutMs: spec.timeoutMs,
      published: Promise.resolve(),
      done: Promise.resolve(),
    };
    this.sandboxes.set(taskArn, sb);
    await this.emit(sb, now);

    const missing = this.missingExecutable(spec.command[0] as string);
    if (missing) {
      await this.finish(sb, { stopCode: 'TaskFailedToStart', stoppedReason: `CannotStartContainerError: ${missing}`, containerReason: missing });
      return { containerId: taskArn };
    }

    let started: () => void = () => undefined;
    sb.done = new Promise<void>((resolve) => (started = resolve));
    try {
      if (this.memoryLimit === 'cgroup' && this.tools.memoryCgroup) {
        sb.cgroup = MemoryCgroup.create(this.tools.memoryCgroup, `vracu-${id}`, spec.memoryMb * 1024 * 1024);
      }
      // Every job with a credential runs under the sidecar (artifacts for all, the handshake for attested jobs).
      const attested = Boolean(spec.sidecarEnv && this.exchangeUrl);
      // The sidecar's secrets dir exists before the sandbox is built: bubblewrap binds it (read-only) for the workload's DEK.
      if (attested) {
        sb.secretsDir = mkdtempSync(join(this.opts.baseDir ?? tmpdir(), 'vracu-secrets-'));
        // Traversable only: the keys dir inside belongs to the workload's user (the sidecar makes it 0700).
        chmodSync(sb.secretsDir, 0o711);
      }
      const workload = buildCommand({
        spec,
        isolation: this.isolation,
        tools: this.tools,
        workDir,
        cgroupProcs: sb.cgroup?.procsFile ?? null,
        timeoutGraceMs: this.opts.timeoutGraceMs ?? 1000,
        readOnlyPaths: [...(this.opts.readOnlyPaths ?? []), ...(sb.secretsDir ? [sb.secretsDir] : [])],
      });
      const plan = attested ? this.underSidecar(sb, spec, workload, await sidecarBundle()) : workload;
      // detached: its own process group (and session), so stop() reaches every descendant.
      const child = spawn(plan.file, plan.args, { cwd: plan.cwd, env: plan.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      sb.child = child;
      if (child.pid) this.opts.processes?.started(child.pid, `sandbox of ${spec.jobId}`);
      child.stdout?.on('data', (c: Buffer) => sb.logs.push(c));
      child.stderr?.on('data', (c: Buffer) => sb.logs.push(c));
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      sb.startedMs = Date.now();
      sb.timer = setTimeout(() => void this.stop(taskArn, 'timeout'), spec.timeoutMs);
      sb.timer.unref?.();
      sb.snap.lastStatus = 'RUNNING';
      sb.snap.startedAt = this.isoNow();
      sb.snap.version++;
      void this.emit(sb, sb.snap.startedAt);
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.once('exit', (code, signal) => {
        void this.onExit(sb, code, signal, closed).finally(started);
      });
      // A stop that came while the sandbox was still starting.
      if (sb.stopRequested !== undefined) this.signalGroup(child.pid as number, 'SIGKILL');
    } catch (err) {
      started();
      await this.finish(sb, { stopCode: 'TaskFailedToStart', stoppedReason: `CannotStartContainerError: ${(err as Error).message}` });
    }
    return { containerId: taskArn };
  }

  async stop(containerId: string, reason: string): Promise<'stopping' | 'gone'> {
    const sb = this.sandboxes.get(containerId);
    // Not one of this driver's (a sandbox of an earlier run of the stack, reaped with it): no event will come.
    if (!sb) return 'gone';
    if (sb.snap.lastStatus === 'STOPPED' || sb.stopRequested !== undefined) return 'stopping';
    sb.stopRequested = reason;
    sb.snap.desiredStatus = 'STOPPED';
    const child = sb.child;
    if (!child?.pid) return 'stopping';
    sb.snap.stoppingAt = this.isoNow();
    this.signalGroup(child.pid, 'SIGTERM');
    sb.killTimer = setTimeout(() => {
      this.signalGroup(child.pid as number, 'SIGKILL');
      sb.cgroup?.killAll();
    }, this.opts.stopGraceMs ?? 2000);
    sb.killTimer.unref?.();
    return 'stopping';
  }

  async describe(containerId: string): Promise<ContainerState | null> {
    const sb = this.sandboxes.get(containerId);
    return sb ? detailToContainerState(taskDetail(sb.snap)) : null;
  }

  /** The sandbox's captured stdout and stderr (interleaved, the newest `logLimitBytes`). */
  logs(containerId: string): string | null {
    return this.sandboxes.get(containerId)?.logs.text() ?? null;
  }

  inspect(containerId: string): SandboxInfo | null {
    const sb = this.sandboxes.get(containerId);
    if (!sb) return null;
    return {
      state: detailToContainerState(taskDetail(sb.snap)),
      isolation: this.isolation,
      memoryLimit: this.memoryLimit,
      workDir: sb.workDir,
      workDirWiped: sb.snap.sandbox.workDirWiped,
      ...(sb.cgroup ? { cgroupDir: sb.cgroup.dir } : {}),
      ...(sb.child?.pid && sb.snap.lastStatus !== 'STOPPED' ? { pid: sb.child.pid } : {}),
    };
  }

  /** Resolves when the sandbox has stopped and its STOPPED event is published. */
  async waitStopped(containerId: string): Promise<ContainerState | null> {
    const sb = this.sandboxes.get(containerId);
    if (!sb) return null;
    await sb.done;
    await sb.published;
    return this.describe(containerId);
  }

  /**
   * Removes work dirs a crashed run left in `baseDir` (only call it on a directory no other
   * running driver uses). Returns how many were removed.
   */
  static sweep(baseDir: string): number {
    // 0711: the workload (uid 65534) must pass through to its own work dir, not list others.
    mkdirSync(baseDir, { recursive: true });
    chmodSync(baseDir, 0o711);
    let n = 0;
    for (const name of readdirSync(baseDir)) {
      if (!name.startsWith(WORK_DIR_PREFIX)) continue;
      rmSync(join(baseDir, name), { recursive: true, force: true, maxRetries: 3 });
      n++;
    }
    return n;
  }

  /** Stops every running sandbox and waits for them (the local stack's shutdown). */
  async close(): Promise<void> {
    const running = [...this.sandboxes.entries()].filter(([, s]) => s.snap.lastStatus !== 'STOPPED');
    await Promise.all(running.map(([id]) => this.stop(id, 'local stack stopped')));
    await Promise.all(running.map(([, s]) => s.done.then(() => s.published)));
  }

  private check(spec: LaunchSpec): void {
    if (spec.command.length === 0 || !spec.command[0]) throw new ContainerLaunchError('invalid_spec', 'command is empty', false);
    if (!(spec.timeoutMs > 0) || !(spec.memoryMb > 0)) throw new ContainerLaunchError('invalid_spec', 'timeoutMs and memoryMb must be positive', false);
    const allowed = this.opts.allowedImages;
    if (allowed && !allowed.includes(spec.image)) {
      throw new ContainerLaunchError('image_not_allowed', `image ${spec.image} is not on the local allow-list`, false);
    }
    // A job placed on a provider runs here standing in for that provider's machine (its GPUs are
    // the node's; none pass through locally). The exchange's own pool has no GPUs.
    const onProvider = spec.tags.provider !== undefined && spec.tags.provider !== 'exchange';
    if (spec.gpus > 0 && !onProvider) throw new ContainerLaunchError('capacity_unavailable', 'the local sandbox has no GPUs', false);
  }

  private missingExecutable(cmd: string): string | null {
    if (isAbsolute(cmd) || cmd.includes('/')) return existsSync(cmd) ? null : `${cmd}: no such file`;
    return findExecutable(cmd) ? null : `${cmd}: executable file not found in $PATH`;
  }

  private async onExit(sb: Sandbox, code: number | null, signal: NodeJS.Signals | null, closed: Promise<void>): Promise<void> {
    clearTimeout(sb.timer);
    clearTimeout(sb.killTimer);
    // The essential process ended: like ECS, nothing else of the task may outlive it.
    if (sb.child?.pid) {
      this.signalGroup(sb.child.pid, 'SIGKILL');
      this.opts.processes?.ended(sb.child.pid);
    }
    sb.cgroup?.killAll();
    // Let the pipes drain (the last output), but never wait on a descendant that escaped.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]);
    sb.child?.stdout?.destroy();
    sb.child?.stderr?.destroy();
    const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : undefined);
    const oom = (sb.cgroup?.oomKills() ?? 0) > 0;
    const ranMs = sb.startedMs !== undefined ? Date.now() - sb.startedMs : 0;
    // `timeout -s KILL` fired before our timer could (a blocked event loop): still a timeout.
    const timedOut = sb.stopRequested === undefined && exitCode === 137 && !oom && ranMs >= sb.timeoutMs;
    const stopReason = sb.stopRequested ?? (timedOut ? 'timeout' : undefined);
    await this.finish(sb, {
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(stopReason !== undefined
        ? { stopCode: 'UserInitiated', stoppedReason: stopReason }
        : { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }),
      ...(oom ? { containerReason: OOM_CONTAINER_REASON } : {}),
    });
  }

  /** Wipes the work dir, then reports STOPPED: when the event says stopped, the data is gone. */
  private async finish(sb: Sandbox, end: { exitCode?: number; stopCode: string; stoppedReason: string; containerReason?: string }): Promise<void> {
    if (sb.cgroup && !(await sb.cgroup.remove())) (this.opts.onError ?? defaultOnError)(new Error(`memory cgroup ${sb.cgroup.dir} could not be removed`));
    rmSync(sb.workDir, { recursive: true, force: true, maxRetries: 3 });
    if (sb.secretsDir) rmSync(sb.secretsDir, { recursive: true, force: true, maxRetries: 3 });
    sb.snap.sandbox.workDirWiped = !existsSync(sb.workDir);
    Object.assign(sb.snap, end);
    sb.snap.lastStatus = 'STOPPED';
    sb.snap.desiredStatus = 'STOPPED';
    sb.snap.stoppedAt = this.isoNow();
    sb.snap.version++;
    await this.emit(sb, sb.snap.stoppedAt);
    this.retain(sb.snap.taskArn);
  }

  /**
   * The sidecar as the sandbox's first process (running as the stack's user), the sandboxed
   * workload its child: the sidecar alone sees VRACU_SIDECAR_* (it strips them from the
   * workload's environment), its secrets dir is its own, given to the workload's uid.
   */
  private underSidecar(sb: Sandbox, spec: LaunchSpec, workload: ReturnType<typeof buildCommand>, bundle: string): ReturnType<typeof buildCommand> {
    const secretsDir = sb.secretsDir!;
    return {
      file: process.execPath,
      args: [bundle, '--', workload.file, ...workload.args],
      cwd: workload.cwd,
      env: {
        ...workload.env,
        ...spec.sidecarEnv,
        VRACU_SIDECAR_EXCHANGE_URL: spec.sidecarEnv?.VRACU_SIDECAR_EXCHANGE_URL ?? this.exchangeUrl!,
        VRACU_SIDECAR_SECRETS_DIR: join(secretsDir, 'keys'),
        VRACU_SIDECAR_WIPE_DIRS: workload.cwd,
        // The sidecar runs on the host: under bubblewrap the workload's VRACU_WORK_DIR (/work) is not its path.
        VRACU_SIDECAR_WORK_DIR: workload.cwd,
        VRACU_JOB_TIMEOUT_MS: String(spec.timeoutMs),
        ...(this.tools.root ? { VRACU_SIDECAR_WORKLOAD_UID: String(NOBODY) } : {}),
      },
    };
  }

  private emit(sb: Sandbox, time: string): Promise<void> {
    // Chained per sandbox so events leave in version order.
    const event = taskEvent(structuredClone(sb.snap), time);
    sb.published = sb.published.then(() => this.opts.publisher.publish([event])).catch((err) => (this.opts.onError ?? defaultOnError)(err));
    return sb.published;
  }

  private retain(taskArn: string): void {
    this.stoppedOrder.push(taskArn);
    const keep = this.opts.retainStopped ?? 512;
    while (this.stoppedOrder.length > keep) this.sandboxes.delete(this.stoppedOrder.shift() as string);
  }

  private signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  }

  private isoNow(): string {
    return new Date(this.opts.clock.nowMs()).toISOString();
  }
}

function defaultOnError(err: unknown): void {
  process.stderr.write(`sandbox: publishing a task event failed: ${(err as Error).message ?? String(err)}\n`);
}
