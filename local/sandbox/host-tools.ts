/** What this machine offers for isolating a workload, found once on PATH and in /sys. */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findExecutable(name: string, path: string = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export interface HostTools {
  bwrap: string | null;
  setpriv: string | null;
  prlimit: string | null;
  timeout: string | null;
  /** Running as root: the sandbox drops to uid/gid 65534 (nobody) with setpriv. */
  root: boolean;
  /** Where a child memory cgroup can be made, or null. */
  memoryCgroup: MemoryCgroupRoot | null;
}

export interface MemoryCgroupRoot {
  version: 1 | 2;
  /** The directory under which per-sandbox cgroups are created. */
  dir: string;
}

/**
 * The memory cgroup this process lives in, if we may create children in it. cgroup v1: the
 * `memory` controller's line of /proc/self/cgroup; v2: the unified line, when the memory
 * controller is delegated to children.
 */
export function findMemoryCgroup(): MemoryCgroupRoot | null {
  let lines: string[];
  try {
    lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  } catch {
    return null;
  }
  const v1 = lines.map((l) => l.split(':')).find((p) => p[1]?.split(',').includes('memory'));
  if (v1 && v1[2] !== undefined) {
    const dir = join('/sys/fs/cgroup/memory', v1[2]);
    if (existsSync(join(dir, 'memory.limit_in_bytes')) && writable(dir)) return { version: 1, dir };
  }
  const v2 = lines.map((l) => l.split(':')).find((p) => p[0] === '0' && p[1] === '');
  if (v2 && v2[2] !== undefined && existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const dir = join('/sys/fs/cgroup', v2[2]);
    try {
      const ctl = readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8');
      if (ctl.split(/\s+/).includes('memory') && writable(dir)) return { version: 2, dir };
    } catch {
      // no delegation
    }
  }
  return null;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function detectHostTools(): HostTools {
  return {
    bwrap: findExecutable('bwrap'),
    setpriv: findExecutable('setpriv'),
    prlimit: findExecutable('prlimit'),
    timeout: findExecutable('timeout'),
    root: process.getuid?.() === 0,
    memoryCgroup: findMemoryCgroup(),
  };
}
