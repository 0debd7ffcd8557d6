/** The local stack's plugins, in start order: the sandbox container driver, the jobs context on it, privacy on jobs. */
import type { LocalPlugin, PluginContext, PluginHandle, Provided } from './plugin-types.ts';
import { sandboxPlugin } from './sandbox/plugin.ts';
import { jobsPlugin } from './jobs.ts';
import { privacyPlugin } from './privacy.ts';

export const PLUGINS: LocalPlugin[] = [sandboxPlugin, jobsPlugin(), privacyPlugin()];

/** Starts `plugins` in order; each sees what the earlier ones provided. On a failure, stops those started. */
export async function startPlugins(
  ctx: Omit<PluginContext, 'provided'>,
  plugins: readonly LocalPlugin[] = PLUGINS,
  /** What the stack itself composed before the plugins (the artifacts context). */
  initial: Provided = {},
): Promise<{ handles: PluginHandle[]; provided: Provided }> {
  const handles: PluginHandle[] = [];
  const provided: Provided = { ...initial };
  try {
    for (const p of plugins) {
      const h = await p({ ...ctx, provided });
      handles.push(h);
      Object.assign(provided, h.provides ?? {});
    }
  } catch (err) {
    for (const h of handles.reverse()) await h.stop().catch(() => undefined);
    throw err;
  }
  return { handles, provided };
}
