/**
 * Which container driver this process uses. VRACU_CONTAINER_DRIVER=ecs selects ECS (its
 * settings parsed from the environment); otherwise the local sandbox driver the local
 * stack registered with `setLocalDriver`.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import * as z from 'zod';
import type { Runtime } from '../../platform/runtime.ts';
import type { ContainerDriver } from './driver.ts';
import { EcsDriver, loadEcsConfig } from './ecs.ts';

const DriverKind = z.object({ VRACU_CONTAINER_DRIVER: z.enum(['ecs', 'local']).default('local') });

let local: ContainerDriver | undefined;
let ecs: EcsDriver | undefined;

/** The local stack (and tests) register the sandbox driver here; `undefined` clears it. */
export function setLocalDriver(d: ContainerDriver | undefined): void {
  local = d;
}

export function driverFor(rt: Runtime, env: NodeJS.ProcessEnv = process.env): ContainerDriver {
  const parsed = DriverKind.safeParse(env);
  if (!parsed.success) throw new Error('VRACU_CONTAINER_DRIVER must be "ecs" or "local"');
  if (parsed.data.VRACU_CONTAINER_DRIVER === 'ecs') {
    ecs ??= new EcsDriver(new ECSClient({ region: rt.config.AWS_REGION }), loadEcsConfig(env));
    return ecs;
  }
  if (!local) {
    throw new Error('no local container driver registered: the local stack calls setLocalDriver(new LocalSandboxDriver(...)) at start');
  }
  return local;
}
