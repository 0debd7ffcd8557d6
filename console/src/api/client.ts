/**
 * The console's one way to the API: the SDK's typed client on this page's origin, with the
 * session's key as `X-API-Key`. Responses' `Date` headers give the server's clock offset,
 * so countdowns (a quote's expiry) do not trust the browser's clock.
 */
import { signal } from '@preact/signals';
import { VracuClient, type RouteInput, type RouteOutput } from '../../../sdk/client.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';

/** Server clock minus browser clock, in ms. */
export const clockOffsetMs = signal(0);

/**
 * A Date header (whole seconds, truncated) bounds the offset: the server read its clock
 * after we sent and before we received. Bounds from many responses narrow it; a
 * contradiction (a clock jumped) starts over.
 */
let lo = -Infinity;
let hi = Infinity;
const noteDate: typeof fetch = async (input, init) => {
  const sent = Date.now();
  const res = await fetch(input, init);
  const received = Date.now();
  const date = Date.parse(res.headers.get('date') ?? '');
  if (Number.isFinite(date)) {
    const [l, h] = [date - received, date + 1000 - sent];
    [lo, hi] = l > hi || h < lo ? [l, h] : [Math.max(lo, l), Math.min(hi, h)];
    clockOffsetMs.value = (lo + hi) / 2;
  }
  return res;
};

/** The server's idea of now. */
export const serverNow = (): number => Date.now() + clockOffsetMs.value;

export function clientFor(apiKey: string | undefined): VracuClient {
  // Two attempts: one retry of a 429/5xx; idempotent writes carry a key, so a retry is safe.
  return new VracuClient({ baseUrl: location.origin, apiKey, attempts: 2, baseDelayMs: 200, fetch: noteDate });
}

/** A fresh Idempotency-Key for one user action. */
export const actionKey = (): string => crypto.randomUUID();

export type { RouteInput, RouteOutput, RouteSpec };
