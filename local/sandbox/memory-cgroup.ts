/**
 * A memory cgroup per sandbox: the kernel OOM-kills the workload at the limit (exit 137),
 * and the cgroup's counters tell afterwards that it did. Swap is limited too, so the
 * limit cannot be dodged by swapping.
 */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryCgroupRoot } from './host-tools.ts';

export class MemoryCgroup {
  private constructor(
    readonly root: MemoryCgroupRoot,
    readonly dir: string,
  ) {}

  static create(root: MemoryCgroupRoot, name: string, limitBytes: number): MemoryCgroup {
    const dir = join(root.dir, name);
    mkdirSync(dir);
    const cg = new MemoryCgroup(root, dir);
    try {
      if (root.version === 1) {
        writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
        try {
          writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
        } catch {
          // swap accounting off: nothing to limit
        }
      } else {
        writeFileSync(join(dir, 'memory.max'), String(limitBytes));
        try {
          writeFileSync(join(dir, 'memory.swap.max'), '0');
        } catch {
          // no swap controller
        }
      }
    } catch (err) {
      cg.removeNow();
      throw err;
    }
    return cg;
  }

  get procsFile(): string {
    return join(this.dir, 'cgroup.procs');
  }

  /** How many times the kernel OOM-killed a process in this cgroup. */
  oomKills(): number {
    try {
      const file = this.root.version === 1 ? 'memory.oom_control' : 'memory.events';
      const m = /^oom_kill (\d+)$/m.exec(readFileSync(join(this.dir, file), 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  pids(): number[] {
    try {
      return readFileSync(this.procsFile, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** SIGKILL everything still in the cgroup (whatever left the process group). */
  killAll(): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Removes the cgroup; it stays busy for a moment after the last exit, so this retries. */
  async remove(): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      try {
        rmdirSync(this.dir);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
        this.killAll();
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    return false;
  }

  /** Synchronous best effort, for a cgroup that never held a process. */
  removeNow(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // busy or gone
    }
  }
}
