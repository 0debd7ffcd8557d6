/**
 * Typed client for the exchange API. Request and response types come from the route
 * table's zod schemas, so the SDK cannot drift from the server. Retries 429 and 5xx
 * (and network errors) with exponential backoff and full jitter.
 */
import type * as z from 'zod';
import type { RouteSpec } from '../functions/platform/http/route.ts';
import type { Problem } from '../functions/platform/errors.ts';

/** A schema slot left at its default (z.ZodType) means the route takes no such input. */
type Slot<T, K extends string, Opt extends boolean = false> = z.ZodType extends T
  ? {}
  : T extends z.ZodType
    ? Opt extends true
      ? { [k in K]?: z.input<T> }
      : { [k in K]: z.input<T> }
    : {};
export type RouteInput<R extends RouteSpec> =
  R extends RouteSpec<infer B, infer Q, infer P, z.ZodType>
    ? Slot<B, 'body'> & Slot<P, 'params'> & Slot<Q, 'query', true> & { idempotencyKey?: string; headers?: Record<string, string> }
    : never;
export type RouteOutput<R extends RouteSpec> = z.output<R['response']['body']>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | { message?: string },
  ) {
    super('code' in problem ? `${problem.code}: ${problem.detail}` : `HTTP ${status}: ${problem.message ?? 'error'}`);
    this.name = 'ApiError';
  }
  get code(): string {
    return 'code' in this.problem ? String(this.problem.code) : `http_${this.status}`;
  }
}

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Attempts in all, for 429/5xx/network errors (default 4). */
  attempts?: number;
  baseDelayMs?: number;
  fetch?: typeof fetch;
  random?: () => number;
}

export class VracuClient {
  private readonly baseUrl: string;
  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  /** Calls a route of the route table with typed input and output. */
  async call<R extends RouteSpec>(route: R, input: RouteInput<R> = {} as RouteInput<R>): Promise<RouteOutput<R>> {
    const i = input as {
      body?: unknown;
      params?: Record<string, string>;
      query?: Record<string, unknown>;
      idempotencyKey?: string;
      headers?: Record<string, string>;
    };
    const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => {
      const v = i.params?.[n];
      if (v === undefined) throw new Error(`missing path parameter ${n} for ${route.id}`);
      return encodeURIComponent(String(v));
    });
    const qs = new URLSearchParams(
      Object.entries(i.query ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)] as [string, string]),
    ).toString();
    const headers: Record<string, string> = { accept: 'application/json', ...(i.headers ?? {}) };
    if (this.opts.apiKey) headers['x-api-key'] = this.opts.apiKey;
    if (i.idempotencyKey) headers['idempotency-key'] = i.idempotencyKey;
    let body: string | undefined;
    if (i.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(i.body);
    }
    return this.send(route.method, `${path}${qs ? `?${qs}` : ''}`, headers, body) as Promise<RouteOutput<R>>;
  }

  private async send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<unknown> {
    const attempts = this.opts.attempts ?? 4;
    const base = this.opts.baseDelayMs ?? 100;
    const random = this.opts.random ?? Math.random;
    const doFetch = this.opts.fetch ?? fetch;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      } catch (err) {
        if (attempt >= attempts) throw new Error(`cannot reach ${this.baseUrl}: ${(err as Error).message}`);
        await sleep(random() * base * 2 ** attempt);
        continue;
      }
      if ((res.status === 429 || res.status >= 500) && attempt < attempts) {
        const retryAfter = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : random() * base * 2 ** attempt);
        continue;
      }
      const text = await res.text();
      const json = text ? safeJson(text) : undefined;
      if (!res.ok) throw new ApiError(res.status, (json as Problem) ?? { message: text });
      return json;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
