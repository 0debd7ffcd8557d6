/**
 * Every process group the local stack starts (DynamoDB Local's Java, each job sandbox) stays
 * reachable after the stack itself dies, however it dies:
 * - each group is recorded in `<runDir>/children/<pid>.json` while it runs;
 * - a reaper (local/reaper.ts), started detached with a pipe from the stack, wakes when that
 *   pipe closes — the stack crashed or was SIGKILLed — and kills every recorded group;
 * - the next start on the same data dir reaps whatever is still recorded, and refuses to
 *   share the data dir with a stack that is still alive (`<runDir>/stack.lock`), so two Java
 *   processes never hold one database.
 * A recorded pid carries its process start time (Linux /proc), so a pid the system reused
 * for another process is never killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ChildRecord {
  pid: number;
  /** What it is, for messages: `dynamodb-local`, `sandbox job_...`. */
  what: string;
  /** The process's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
  startTicks?: number;
}

/** The stack's handle on its children: record a process group when it starts, forget it when it ends. */
export interface ProcessRegistry {
  started(pid: number, what: string): void;
  ended(pid: number): void;
}

export class LocalStackBusyError extends Error {
  constructor(
    readonly runDir: string,
    readonly pid: number,
  ) {
    super(`another local stack (pid ${pid}) is running on ${runDir}: stop it first, or start this one with another --data-dir (or --memory)`);
    this.name = 'LocalStackBusyError';
  }
}

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined where /proc is missing. */
export function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** True when the recorded process still runs (and is the same process, where that can be told). */
export function isAlive(r: Pick<ChildRecord, 'pid' | 'startTicks'>): boolean {
  try {
    process.kill(r.pid, 0);
  } catch {
    return false;
  }
  const now = startTicksOf(r.pid);
  return r.startTicks === undefined || now === undefined || now === r.startTicks;
}

const childrenDir = (runDir: string) => join(runDir, 'children');
const lockFile = (runDir: string) => join(runDir, 'stack.lock');

/** Kills a recorded process group (SIGKILL: it is an orphan, nobody waits for it to drain). */
function killGroup(r: ChildRecord): boolean {
  if (!isAlive(r)) return false;
  try {
    process.kill(-r.pid, 'SIGKILL');
  } catch {
    try {
      process.kill(r.pid, 'SIGKILL');
    } catch {
      return false;
    }
  }
  return true;
}

export function recordedChildren(runDir: string): ChildRecord[] {
  const dir = childrenDir(runDir);
  if (!existsSync(dir)) return [];
  const out: ChildRecord[] = [];
  for (const name of readdirSync(dir)) {
    try {
      out.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as ChildRecord);
    } catch {
      // a half-written record: its process, if any, is found by its group at the next reap
    }
  }
  return out;
}

/** Kills every recorded group still alive and forgets them all; returns what was killed. */
export function reapChildren(runDir: string): ChildRecord[] {
  const killed = recordedChildren(runDir).filter(killGroup);
  rmSync(childrenDir(runDir), { recursive: true, force: true });
  return killed;
}

/** What the reaper of a stack that died stopped (read once, then forgotten). */
function reapedEarlier(runDir: string): ChildRecord[] {
  const file = join(runDir, 'reaped.json');
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ChildRecord[];
  } catch {
    return [];
  } finally {
    rmSync(file, { force: true });
  }
}

export function processRegistry(runDir: string): ProcessRegistry {
  const dir = childrenDir(runDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    started(pid, what) {
      const rec: ChildRecord = { pid, what, ...(startTicksOf(pid) !== undefined ? { startTicks: startTicksOf(pid)! } : {}) };
      writeFileSync(join(dir, `${pid}.json`), JSON.stringify(rec), { mode: 0o600 });
    },
    ended(pid) {
      rmSync(join(dir, `${pid}.json`), { force: true });
    },
  };
}

export interface RunDirClaim {
  registry: ProcessRegistry;
  /** Groups a stack that did not stop left behind, killed now. */
  reaped: ChildRecord[];
  /** The pid of that stack, if one had died holding the dir. */
  staleStackPid?: number;
  /** Stops the reaper and gives the dir up (after every child was stopped). */
  release(): void;
}

/**
 * Takes `runDir` for this stack: refuses one held by a live stack, reaps what a dead one left,
 * records this stack, and starts the reaper that kills this stack's children if it dies.
 */
export function claimRunDir(runDir: string): RunDirClaim {
  const dir = resolve(runDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let staleStackPid: number | undefined;
  if (existsSync(lockFile(dir))) {
    const holder = JSON.parse(readFileSync(lockFile(dir), 'utf8')) as ChildRecord;
    if (holder.pid !== process.pid && isAlive(holder)) throw new LocalStackBusyError(dir, holder.pid);
    staleStackPid = holder.pid;
  }
  // What the reaper stopped when that stack died, and whatever it could not reach.
  const reaped = [...reapedEarlier(dir), ...reapChildren(dir)];
  const self: ChildRecord = {
    pid: process.pid,
    what: 'local stack',
    ...(startTicksOf(process.pid) !== undefined ? { startTicks: startTicksOf(process.pid)! } : {}),
  };
  writeFileSync(lockFile(dir), JSON.stringify(self), { mode: 0o600 });
  const reaper = startReaper(dir);
  return {
    registry: processRegistry(dir),
    reaped,
    ...(staleStackPid !== undefined ? { staleStackPid } : {}),
    release() {
      reaper.stdin?.end('stop\n');
      reaper.unref();
      rmSync(lockFile(dir), { force: true });
    },
  };
}

/** The reaper: a detached process whose stdin is a pipe from this one (local/reaper.ts). */
function startReaper(runDir: string): ChildProcess {
  const script = resolve(import.meta.dirname, 'reaper.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, runDir], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  // Our end of the pipe must not keep this process alive, nor its errors crash it.
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  child.stdin?.on('error', () => undefined);
  return child;
}
