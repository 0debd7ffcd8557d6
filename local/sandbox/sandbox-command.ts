/**
 * The argv that starts one workload, built from what the host offers. Layers, outermost
 * first (each execs the next, so the first process is the process-group leader):
 *   sh (joins the memory cgroup) → timeout -s KILL → setpriv (uid 65534, when root)
 *   → prlimit --as (only without a cgroup) → bwrap (when isolating) → the command.
 */
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import type { LaunchSpec } from '../../functions/jobs/drivers/driver.ts';
import type { HostTools } from './host-tools.ts';

export type Isolation = 'bwrap' | 'process';

/** Where the workload's files live inside the sandbox (the seed's dataVolumes). */
export const SANDBOX_WORK_DIR = '/app/job';
export const NOBODY = 65534;

/** Host paths the bubblewrap root is made of (read-only); everything else is absent. */
export const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt'];

export interface CommandPlan {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface CommandInput {
  spec: LaunchSpec;
  isolation: Isolation;
  tools: HostTools;
  /** The fresh host directory for this job (bound at /app/job under bubblewrap). */
  workDir: string;
  /** The cgroup's `cgroup.procs`, when memory is limited by a cgroup. */
  cgroupProcs: string | null;
  /** `timeout -s KILL` fires this long after the driver's own timer should have. */
  timeoutGraceMs: number;
  /** Extra host paths made visible read-only inside bubblewrap (for example a runtime). */
  readOnlyPaths: readonly string[];
}

/** The workload's whole environment: nothing is inherited from the exchange but PATH. */
export function sandboxEnv(spec: LaunchSpec, isolation: Isolation, workDir: string, path: string): Record<string, string> {
  const home = isolation === 'bwrap' ? SANDBOX_WORK_DIR : workDir;
  return {
    ...spec.env,
    PATH: path,
    HOME: home,
    TMPDIR: isolation === 'bwrap' ? '/tmp' : workDir,
    LANG: 'C.UTF-8',
    VRACU_JOB_ID: spec.jobId,
    VRACU_WORK_DIR: home,
  };
}

/** Read-only binds of host paths at the same place (a symlink stays a symlink). */
function roBinds(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out.push('--symlink', readlinkSync(p), p);
    else out.push('--ro-bind', p, p);
  }
  return out;
}

export function bwrapArgs(spec: LaunchSpec, workDir: string, readOnlyPaths: readonly string[]): string[] {
  return [
    '--unshare-all',
    // `exchange`: the sandbox shares the host's network namespace (see docs/containers.md).
    ...(spec.network === 'exchange' ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--hostname',
    'sandbox',
    ...roBinds(SYSTEM_PATHS),
    '--tmpfs',
    '/tmp',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    // bubblewrap mounts in argument order: extra paths come after the private /tmp, or one
    // under /tmp (a secrets dir from tmpdir()) would be hidden by it.
    ...roBinds(readOnlyPaths),
    '--bind',
    workDir,
    SANDBOX_WORK_DIR,
    '--remount-ro',
    '/',
    '--chdir',
    SANDBOX_WORK_DIR,
    '--',
    ...spec.command,
  ];
}

export function buildCommand(input: CommandInput): CommandPlan {
  const { spec, isolation, tools, workDir } = input;
  const layers: string[][] = [];
  if (input.cgroupProcs) layers.push(['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', input.cgroupProcs]);
  if (tools.timeout) {
    const seconds = ((spec.timeoutMs + input.timeoutGraceMs) / 1000).toFixed(3);
    layers.push([tools.timeout, '-s', 'KILL', `${seconds}s`]);
  }
  if (tools.root) {
    if (!tools.setpriv) throw new Error('running as root without setpriv: refusing to run a workload as root');
    layers.push([tools.setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--no-new-privs', '--']);
  }
  if (!input.cgroupProcs && tools.prlimit) {
    const bytes = spec.memoryMb * 1024 * 1024;
    layers.push([tools.prlimit, `--as=${bytes}:${bytes}`, '--']);
  }
  if (isolation === 'bwrap') {
    if (!tools.bwrap) throw new Error('bubblewrap isolation requested but bwrap is not installed');
    layers.push([tools.bwrap, ...bwrapArgs(spec, workDir, input.readOnlyPaths)]);
  } else {
    layers.push(spec.command);
  }
  const argv = layers.flat();
  const [file, ...args] = argv;
  if (!file) throw new Error('empty command');
  return { file, args, cwd: workDir, env: sandboxEnv(spec, isolation, workDir, process.env.PATH ?? '/usr/bin:/bin') };
}
