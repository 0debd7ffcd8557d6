/**
 * The sandbox container driver as a local-stack plugin: events go to the stack's bus (whose
 * ECS rule forwards them to the task-events queue, as EventBridge does in the cloud), time
 * comes from the stack's clock, and the driver is provided to the plugins after it (the
 * jobs context). VRACU_SANDBOX_ISOLATION picks `auto` (default), `bwrap` or `process`.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv, SandboxEnv } from '../../functions/definitions/environment.ts';
import type { LocalPlugin } from '../plugin-types.ts';
import { LocalSandboxDriver } from './driver.ts';

export const sandboxPlugin: LocalPlugin = async (ctx) => {
  const settings = parseEnv(SandboxEnv, ctx.env, 'sandbox settings');
  // With a data dir, work dirs go to a temp folder named after it, so one left by a crash
  // is wiped at the next start. (Not inside the data dir: it may be closed to uid 65534.)
  const baseDir = ctx.dataDir ? sandboxBaseDir(ctx.dataDir) : undefined;
  if (baseDir) {
    const stale = LocalSandboxDriver.sweep(baseDir);
    if (stale > 0) ctx.log(`sandbox: wiped ${stale} work dir(s) left by an earlier run`);
  }
  const driver = new LocalSandboxDriver({
    ...(baseDir ? { baseDir } : {}),
    publisher: ctx.bus,
    clock: ctx.runtime.clock,
    isolation: settings.VRACU_SANDBOX_ISOLATION,
    ...(settings.VRACU_SANDBOX_IMAGES ? { allowedImages: settings.VRACU_SANDBOX_IMAGES } : {}),
    onError: (err) => ctx.log(`sandbox: ${(err as Error).message}`),
  });
  ctx.log(`sandbox: ${driver.isolation === 'bwrap' ? 'bubblewrap' : 'child process (no bubblewrap: weaker isolation)'}, memory limit by ${driver.memoryLimit}`);
  return {
    provides: { driver },
    stop: () => driver.close(),
  };
};

/** The folder of a data dir's sandbox work dirs: under the temp dir, traversable, private names. */
export function sandboxBaseDir(dataDir: string): string {
  const tag = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(tmpdir(), `vracu-sandboxes-${tag}`);
}
