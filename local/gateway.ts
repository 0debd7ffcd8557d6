/**
 * The local HTTP gateway: API Gateway (HTTP API, payload 2.0) on localhost. It matches the
 * route table, applies the same throttles, runs the same Lambda authorizer (with the same
 * cache TTL), turns the request into the same event and calls the same handler.
 * Responses the gateway itself gives mirror API Gateway's: 401/403/404/413/429.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ROUTES } from '../functions/api/routes.ts';
import { AUTHORIZER } from '../functions/definitions/authorizer.ts';
import { FALLBACK } from '../functions/definitions/fallback.ts';
import { pathMatcher, type RouteSpec } from '../functions/platform/http/route.ts';
import type { AuthorizerContext } from '../functions/platform/auth/principal.ts';
import { apiGatewayEvent, authorizerEvent, lambdaContext, type HttpInput } from './apigw-event.ts';
import type { Invoke } from './modules.ts';
import { TokenBucket } from './throttle.ts';
import { consoleSite } from './console.ts';

/** API Gateway's own payload limit; the handlers enforce the API's 1 MB. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export interface GatewayOptions {
  port: number;
  /** Runs a handler entry on the stack's compositions. */
  invoke: Invoke;
  /** Where the built web console is (default console/dist). */
  consoleDir?: string | undefined;
  host?: string;
  /** Default throttle for routes without their own (requests/s, burst). */
  defaultThrottle?: { rateLimit: number; burstLimit: number };
  /** Apply the route table's own throttles (default true); tests that are not about throttling turn them off. */
  routeThrottles?: boolean;
  log?: (line: string) => void;
  /** The clock throttles refill by (default the system's). */
  nowMs?: () => number;
}

interface CompiledRoute {
  spec: RouteSpec;
  match: (p: string) => Record<string, string> | null;
  bucket: TokenBucket;
}

export interface Gateway {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const def = opts.defaultThrottle ?? { rateLimit: 5000, burstLimit: 10000 };
  const routes: CompiledRoute[] = ROUTES.map((spec) => ({
    spec,
    match: pathMatcher(spec.path),
    bucket:
      spec.throttle && opts.routeThrottles !== false
        ? new TokenBucket(spec.throttle.rateLimit, spec.throttle.burstLimit, opts.nowMs)
        : new TokenBucket(def.rateLimit, def.burstLimit, opts.nowMs),
  }));
  // The web console shares the API's origin; it answers only paths no route matches.
  const site = consoleSite(opts.consoleDir);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log?.(`gateway error: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) send(res, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const candidates = routes.map((r) => ({ r, params: r.match(url.pathname) })).filter((c) => c.params);
    const hit = candidates.find((c) => c.r.spec.method === method);
    // The web console answers only paths no route has.
    if (!hit && !candidates.length && site.serve(req, res, method, url.pathname)) return;
    if (hit && !hit.r.bucket.take()) {
      req.resume();
      return send(res, GATEWAY_ANSWERS.throttled);
    }
    const body = await readBody(req);
    if (body === null) return send(res, GATEWAY_ANSWERS.tooLarge);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = query[k] === undefined ? v : `${query[k]},${v}`));
    const input: HttpInput = { method, path: url.pathname, query, headers, body: body.toString('utf8'), sourceIp: req.socket.remoteAddress ?? '127.0.0.1' };
    const started = Date.now();
    if (!hit) {
      // API Gateway's $default route: the exchange's catch-all answers 404/405 as problem+json.
      const fallback = await opts.invoke(FALLBACK.entry);
      const out = (await fallback(apiGatewayEvent('$default', input, {}, null), lambdaContext(FALLBACK.id))) as APIGatewayProxyStructuredResultV2;
      send(res, out);
      opts.log?.(`${method} ${url.pathname} → ${out.statusCode} ${Date.now() - started} ms`);
      return;
    }
    const { r } = hit;
    let auth: AuthorizerContext | null = null;
    if (r.spec.access !== 'public') {
      // Called for every request, as API Gateway calls an authorizer without an identity source; it caches keys itself.
      const authorize = await opts.invoke(AUTHORIZER.entry);
      const out = (await authorize(authorizerEvent(r.spec, input), lambdaContext(AUTHORIZER.id))) as { isAuthorized: boolean; context: AuthorizerContext };
      if (!out.isAuthorized) return send(res, GATEWAY_ANSWERS.forbidden);
      auth = out.context;
    }
    const handler = await opts.invoke(r.spec.entry);
    const event = apiGatewayEvent(r.spec, input, hit.params!, auth);
    const out = (await handler(event, lambdaContext(r.spec.id, (r.spec.timeoutSec ?? 29) * 1000))) as APIGatewayProxyStructuredResultV2;
    send(res, out);
    opts.log?.(`${method} ${url.pathname} → ${out.statusCode} ${Date.now() - started} ms`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The few bodies API Gateway writes itself, never the exchange (README "Errors", and every
 * operation of the OpenAPI document): its throttle, its payload limit, and an authorizer's
 * deny (which the exchange's authorizer never gives). Their JSON is API Gateway's, not problem+json.
 */
export const GATEWAY_ANSWERS = {
  throttled: { statusCode: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify({ message: 'Too Many Requests' }) },
  tooLarge: { statusCode: 413, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Request Entity Too Large' }) },
  forbidden: { statusCode: 403, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Forbidden' }) },
} as const satisfies Record<string, APIGatewayProxyStructuredResultV2>;

function send(res: ServerResponse, out: APIGatewayProxyStructuredResultV2): void {
  res.statusCode = out.statusCode ?? 200;
  for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, String(v));
  const body = out.body ?? '';
  res.end(out.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** The body, or null when it exceeds the gateway's limit. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > GATEWAY_MAX_BODY) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
