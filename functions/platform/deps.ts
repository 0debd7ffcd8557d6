/** The platform context's composition: its handlers (health, keys, whoami, the authorizer) need only the runtime. */
import type { Composition, HasRuntime } from './compose.ts';
import { runtimeFromEnv, type Runtime } from './runtime.ts';

export type PlatformDeps = HasRuntime;

export const composePlatform = (rt: Runtime): PlatformDeps => ({ rt });

export const platformContext: Composition<PlatformDeps> = { context: 'platform', fromEnv: (env) => composePlatform(runtimeFromEnv(env)) };
