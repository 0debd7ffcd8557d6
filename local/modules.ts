/**
 * Runs handler modules by their entry path (as named in the definitions) on the local
 * stack's compositions: each module's `handler` is an Entry (functions/platform/compose.ts)
 * bound once to what the stack composed for its context.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isEntry, type HasRuntime } from '../functions/platform/compose.ts';

const ROOT = resolve(import.meta.dirname, '..');
const modules = new Map<string, Promise<Record<string, unknown>>>();

export type AnyHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** What each bounded context's handlers run on, by context name (`functions/<context>/`). */
export type Compositions = Readonly<Record<string, HasRuntime | undefined>>;

/** The handler of an entry, bound to its context's composition. */
export type Invoke = (entry: string) => Promise<AnyHandler>;

function load(entry: string): Promise<Record<string, unknown>> {
  let mod = modules.get(entry);
  if (!mod) {
    mod = import(pathToFileURL(resolve(ROOT, entry)).href) as Promise<Record<string, unknown>>;
    modules.set(entry, mod);
  }
  return mod;
}

/** Binds entries to `compositions` (looked up when an entry is first run; bound once each). */
export function invoker(compositions: Compositions): Invoke {
  const bound = new Map<string, Promise<AnyHandler>>();
  return (entry) => {
    let h = bound.get(entry);
    if (!h) {
      h = load(entry).then((mod) => {
        const fn = mod.handler;
        if (!isEntry(fn)) throw new Error(`${entry} does not export an entry "handler" (httpHandler, sqsConsumer, scheduled or entry)`);
        const deps = compositions[fn.context];
        if (!deps) throw new Error(`nothing is composed for the ${fn.context} context (${entry}): start the local stack with its plugins`);
        return fn.with(deps as never) as AnyHandler;
      });
      bound.set(entry, h);
      h.catch(() => bound.delete(entry));
    }
    return h;
  };
}
