/**
 * Registers the sandbox driver with the local stack: events go to the stack's bus (whose
 * ECS rule forwards them to the task-events queue, as EventBridge does in the cloud), time
 * comes from the stack's clock, and `driverFor` finds it. VRACU_SANDBOX_ISOLATION picks
 * `auto` (default), `bwrap` or `process`.
 */
import { z } from 'zod';
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
    const driver = new LocalSandboxDriver({
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
