/** Loads handler modules by their entry path (as named in the definitions), once each. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const cache = new Map<string, Promise<Record<string, unknown>>>();

export type AnyHandler = (event: unknown, context: unknown) => Promise<unknown>;

export async function loadHandler(entry: string, exportName = 'handler'): Promise<AnyHandler> {
  let mod = cache.get(entry);
  if (!mod) {
    mod = import(pathToFileURL(resolve(ROOT, entry)).href) as Promise<Record<string, unknown>>;
    cache.set(entry, mod);
  }
  const fn = (await mod)[exportName];
  if (typeof fn !== 'function') throw new Error(`${entry} does not export a function "${exportName}"`);
  return fn as AnyHandler;
}
