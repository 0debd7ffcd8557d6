/**
 * Runs the workload as a child in its own process group, streams its output through, and
 * enforces the deadline: SIGTERM to the whole group, SIGKILL after the grace period.
 */
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Writable } from 'node:stream';

export interface WorkloadRun {
  command: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
  stopGraceMs: number;
  stdout: Writable;
  stderr: Writable;
}

export interface WorkloadResult {
  /** The exit code, or 128 + signal number when a signal ended it; null if it never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when a stop (SIGTERM to the sidecar) ended it. */
  stopped: boolean;
  startError?: string;
}

export interface RunningWorkload {
  pid: number | undefined;
  /** Ends the workload: SIGTERM to its group, SIGKILL after the grace period. */
  stop(): void;
  done: Promise<WorkloadResult>;
}

export function startWorkload(run: WorkloadRun): RunningWorkload {
  const [file, ...args] = run.command;
  const child = spawn(file as string, args, { cwd: run.cwd, env: run.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(run.stdout, { end: false });
  child.stderr?.pipe(run.stderr, { end: false });
  let timedOut = false;
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  const signalGroup = (sig: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // the group is gone
    }
  };
  const end = () => {
    signalGroup('SIGTERM');
    killTimer ??= setTimeout(() => signalGroup('SIGKILL'), run.stopGraceMs);
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    end();
  }, run.timeoutMs);
  const done = new Promise<WorkloadResult>((resolve) => {
    child.once('error', (err) => {
      clearTimeout(deadline);
      resolve({ exitCode: null, signal: null, timedOut: false, stopped, startError: err.message });
    });
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    child.once('exit', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(killTimer);
      // Nothing the workload started may outlive it.
      signalGroup('SIGKILL');
      const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
      // Let the last output through, without waiting on a descendant that kept a pipe open.
      void Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]).then(() => resolve({ exitCode, signal, timedOut, stopped }));
    });
  });
  return {
    pid: child.pid,
    stop: () => {
      stopped = true;
      end();
    },
    done,
  };
}
