/**
 * Registers the sandbox driver with the local stack: events go to the stack's bus (whose
 * ECS rule forwards them to the task-events queue, as EventBridge does in the cloud), time
 * comes from the stack's clock, and `driverFor` finds it. VRACU_SANDBOX_ISOLATION picks
 * `auto` (default), `bwrap` or `process`.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import type { LocalPlugin } from '../plugins.ts';
import { setLocalDriver } from '../../functions/jobs/drivers/select.ts';
import { LocalSandboxDriver } from './driver.ts';

const Env = z.object({
  VRACU_SANDBOX_ISOLATION: z.enum(['auto', 'bwrap', 'process']).default('auto'),
  /** Comma-separated images the sandbox accepts; unset: any (the job policy decides). */
  VRACU_SANDBOX_IMAGES: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined)),
});

export function sandboxPlugin(env: NodeJS.ProcessEnv = process.env): LocalPlugin {
  return async (ctx) => {
    const parsed = Env.safeParse(env);
    if (!parsed.success) throw new Error(`invalid sandbox settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
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
      isolation: parsed.data.VRACU_SANDBOX_ISOLATION,
      ...(parsed.data.VRACU_SANDBOX_IMAGES ? { allowedImages: parsed.data.VRACU_SANDBOX_IMAGES } : {}),
      onError: (err) => ctx.log(`sandbox: ${(err as Error).message}`),
    });
    setLocalDriver(driver);
    ctx.log(`sandbox: ${driver.isolation === 'bwrap' ? 'bubblewrap' : 'child process (no bubblewrap: weaker isolation)'}, memory limit by ${driver.memoryLimit}`);
    return {
      async stop() {
        await driver.close();
        setLocalDriver(undefined);
      },
    };
  };
}

/** The folder of a data dir's sandbox work dirs: under the temp dir, traversable, private names. */
export function sandboxBaseDir(dataDir: string): string {
  const tag = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(tmpdir(), `vracu-sandboxes-${tag}`);
}
