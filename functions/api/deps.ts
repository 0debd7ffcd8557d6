/** The composition folder's own handler (the OpenAPI document) needs only the runtime. */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';

export type ApiDeps = HasRuntime;

export const composeApi = (rt: Runtime): ApiDeps => ({ rt });

export const apiContext: Composition<ApiDeps> = { context: 'api', fromEnv: (env) => composeApi(runtimeFromEnv(env)) };
