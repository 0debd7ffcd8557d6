/** The control plane's composition: the runtime and its table. */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';

export interface ControlPlaneDeps extends HasRuntime {
  store: StoreCtx;
}

export const composeControlPlane = (rt: Runtime): ControlPlaneDeps => ({ rt, store: { doc: rt.doc, table: rt.table('controlplane') } });

export const controlPlaneContext: Composition<ControlPlaneDeps> = { context: 'control-plane', fromEnv: (env) => composeControlPlane(runtimeFromEnv(env)) };
