/**
 * Parts of the local stack that belong to a bounded context (for example the jobs context's
 * sandbox driver). Each plugin is started after the runtime exists and stopped before it.
 */
import type { Runtime } from '../functions/platform/runtime.ts';
import type { LocalEventBus } from './event-bus.ts';
import { sandboxPlugin } from './sandbox/plugin.ts';
import { jobsPlugin } from './jobs.ts';

export interface PluginContext {
  runtime: Runtime;
  bus: LocalEventBus;
  dataDir: string | null;
  log: (line: string) => void;
}

export interface PluginHandle {
  stop(): Promise<void>;
}

export type LocalPlugin = (ctx: PluginContext) => Promise<PluginHandle>;

/** Registered plugins, in start order: the sandbox container driver, then the jobs wiring. */
export const PLUGINS: LocalPlugin[] = [sandboxPlugin(), jobsPlugin];

export async function startPlugins(ctx: PluginContext): Promise<PluginHandle[]> {
  const handles: PluginHandle[] = [];
  for (const p of PLUGINS) handles.push(await p(ctx));
  return handles;
}
