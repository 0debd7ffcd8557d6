/**
 * A route: everything the cloud (API Gateway + Lambda), the local gateway and the OpenAPI
 * document need to know about one endpoint. Each bounded context exports its routes from
 * its `api.ts`; `functions/api/routes.ts` gathers them into the one route table.
 */
import type * as z from 'zod';
import type { Access } from '../auth/principal.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** Unique, kebab-case; also names the Lambda function. */
  id: string;
  method: Method;
  /** API Gateway syntax: `/v1/jobs/{id}`. */
  path: string;
  access: Access;
  summary: string;
  /** Module (from the repository root) exporting `handler`. */
  entry: string;
  tags: string[];
  request?: { body?: B; query?: Q; params?: P };
  response: { status: number; body: R };
  /** Per-route throttle; the stage default applies otherwise. */
  throttle?: { rateLimit: number; burstLimit: number };
  /**
   * The handler gets the body's exact bytes (`rawBody`, base64 decoded when API Gateway
   * flagged it) and no JSON parsing: for signed bodies (webhooks), whose bytes are what the
   * signature covers. Only with no body schema.
   */
  rawBody?: true;
  /** Honours an `Idempotency-Key` header. */
  idempotent?: boolean;
  memoryMb?: number;
  timeoutSec?: number;
}

/** Identity function that keeps the schema types for the handler. */
export function defineRoute<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  spec: RouteSpec<B, Q, P, R>,
): RouteSpec<B, Q, P, R> {
  return spec;
}

/** `/v1/jobs/{id}` → `/v1/jobs/:id`-style matcher used by the local gateway. */
export function pathMatcher(path: string): (p: string) => Record<string, string> | null {
  const names: string[] = [];
  const rx = new RegExp(
    '^' +
      path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\+?\}/g, (_, n: string) => {
        names.push(n);
        return '([^/]+)';
      }) +
      '$',
  );
  return (p) => {
    const m = rx.exec(p);
    if (!m) return null;
    const out: Record<string, string> = {};
    names.forEach((n, i) => (out[n] = decodeSegment(m[i + 1]!)));
    return out;
  };
}

/** A path segment percent-decoded; a malformed encoding stays as it came (the route's schema then refuses it with a 400). */
export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
