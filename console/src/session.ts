/**
 * Sign-in: the pasted API key lives in this tab's sessionStorage only (never localStorage,
 * never a URL) and goes out as `X-API-Key`. The principal from GET /v1/whoami decides the
 * views; `can` is the route table's access rule (functions/platform/auth/principal.ts):
 * admin passes every role check.
 */
import { computed, signal } from '@preact/signals';
import type { Access } from '../../functions/platform/auth/principal.ts';
import { clientFor, type RouteInput, type RouteOutput, type RouteSpec } from './api/client.ts';
import { whoami } from './api/routes.ts';

const KEY_ITEM = 'vracu.apiKey';

export type Principal = RouteOutput<typeof whoami>;

export const principal = signal<Principal | null>(null);
const apiKey = signal<string | null>(sessionStorage.getItem(KEY_ITEM));

const client = computed(() => clientFor(apiKey.value ?? undefined));

/** Calls a route with the session's key. */
export function call<R extends RouteSpec>(route: R, input?: RouteInput<R>): Promise<RouteOutput<R>> {
  return client.value.call(route, input);
}

export function can(access: Access, p: Principal | null = principal.value): boolean {
  if (access === 'public') return true;
  // Job-credential routes belong to a job's sidecar, never to a console session.
  if (!p || access === 'job') return false;
  return access === 'any' || p.roles.includes(access) || p.roles.includes('admin');
}

/** Checks the key with whoami before keeping it; throws the API's error otherwise. */
export async function signIn(key: string): Promise<Principal> {
  const me = await clientFor(key.trim()).call(whoami);
  sessionStorage.setItem(KEY_ITEM, key.trim());
  apiKey.value = key.trim();
  principal.value = me;
  return me;
}

/** A key kept from earlier in this tab: whoami again (it may have been revoked). */
export async function resume(): Promise<Principal | null> {
  if (!apiKey.value) return null;
  try {
    principal.value = await call(whoami);
  } catch {
    signOut();
  }
  return principal.value;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY_ITEM);
  apiKey.value = null;
  principal.value = null;
}
