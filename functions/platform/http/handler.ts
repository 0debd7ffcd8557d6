/**
 * The HTTP handler factory every API route uses: Powertools (logger with a correlation id,
 * EMF metrics, tracer), parsing by the route's zod schemas, the role check, and one
 * mapping of errors to RFC 9457 problem+json. Unknown errors are logged and become a 500
 * without internals. The handler gets its context's dependencies (platform/compose.ts).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { AppError, toProblem } from '../errors.ts';
import { logger, metrics } from '../observability.ts';
import { observed } from '../observed.ts';
import { entry, type Composition, type Entry, type HasRuntime } from '../compose.ts';
import { allows, fromAuthorizerContext, type Principal } from '../auth/principal.ts';
import { header, parseBody, parseParams, parseQuery, rawBodyOf } from './request.ts';
import { Reply } from './reply.ts';
import type { RouteSpec } from './route.ts';

export interface HttpRequest<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal | null;
  headers: Record<string, string | undefined>;
  /** The body's exact bytes, for routes with `rawBody` (route.ts); undefined otherwise. */
  rawBody: Buffer | undefined;
  requestId: string;
  idempotencyKey: string | undefined;
}

/** The principal, for routes that require one (the role check already passed). */
export function mustPrincipal(p: Principal | null): Principal {
  if (!p) throw new AppError('unauthenticated', 'an API key is required');
  return p;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export type APIGatewayEventWithAuth = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: { lambda?: Record<string, unknown> } };
};

const JSON_HEADERS = { 'content-type': 'application/json' };
const PROBLEM_HEADERS = { 'content-type': 'application/problem+json' };
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export function problemResponse(err: AppError, instance?: string, extraHeaders: Record<string, string> = {}): APIGatewayProxyResultV2 {
  return { statusCode: err.status, headers: { ...PROBLEM_HEADERS, ...extraHeaders }, body: JSON.stringify(toProblem(err, instance)) };
}

export function httpHandler<D extends HasRuntime, B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  route: RouteSpec<B, Q, P, R>,
  composition: Composition<D>,
  run: (req: HttpRequest<Out<B>, Out<Q>, Out<P>>, d: D) => Promise<z.input<R> | Reply>,
): Entry<APIGatewayEventWithAuth, APIGatewayProxyResultV2, D> {
  return entry(composition, (d) => observed(respond(route, d, run)));
}

function respond<D extends HasRuntime, B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  route: RouteSpec<B, Q, P, R>,
  d: D,
  run: (req: HttpRequest<Out<B>, Out<Q>, Out<P>>, d: D) => Promise<z.input<R> | Reply>,
) {
  return async (event: APIGatewayEventWithAuth, _context: Context): Promise<APIGatewayProxyResultV2> => {
    const requestId = header(event, 'x-correlation-id') ?? event.requestContext?.requestId ?? 'unknown';
    logger.appendKeys({ correlationId: requestId, route: route.id });
    const cors = { 'x-correlation-id': requestId };
    try {
      const principal = fromAuthorizerContext(event.requestContext?.authorizer?.lambda);
      if (route.access !== 'public' && route.access !== 'job' && !principal) throw new AppError('unauthenticated', 'a valid X-API-Key is required');
      if (!allows(route.access, principal)) throw new AppError('forbidden', `this endpoint needs the ${route.access} role`);
      const idempotencyKey = header(event, 'idempotency-key');
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new AppError('validation_failed', 'Idempotency-Key must be 8-128 characters of [A-Za-z0-9_.:-]', {
          issues: [{ path: 'header.Idempotency-Key', message: 'invalid format' }],
        });
      }
      const params = parseParams(event, route) as Out<P>;
      const query = parseQuery(event, route) as Out<Q>;
      const body = parseBody(event, route) as Out<B>;
      const rawBody = route.rawBody ? rawBodyOf(event) : undefined;
      const out = await run({ body, query, params, principal, headers: event.headers ?? {}, rawBody, requestId, idempotencyKey }, d);
      const status = out instanceof Reply ? out.status : route.response.status;
      const payload = out instanceof Reply ? out.body : out;
      const headers = { ...JSON_HEADERS, ...cors, ...(out instanceof Reply ? out.headers : {}) };
      if (d.rt.config.VRACU_VALIDATE_RESPONSES && status < 300) {
        const checked = route.response.body.safeParse(payload);
        if (!checked.success) throw new Error(`response of ${route.id} does not match its schema: ${checked.error.message}`);
      }
      metrics.addMetric('requests', MetricUnit.Count, 1);
      return { statusCode: status, headers, body: status === 204 ? '' : JSON.stringify(payload) };
    } catch (err) {
      if (err instanceof AppError) {
        if (err.status >= 500) logger.error('request failed', { code: err.code, error: err });
        else logger.info('request rejected', { code: err.code, detail: err.message });
        metrics.addMetric(err.status >= 500 ? 'errors5xx' : 'errors4xx', MetricUnit.Count, 1);
        return problemResponse(err, event.rawPath, cors);
      }
      logger.error('unhandled error', err as Error);
      metrics.addMetric('errors5xx', MetricUnit.Count, 1);
      return problemResponse(
        new AppError('internal', 'internal error; quote the correlation id when reporting it', { correlationId: requestId }),
        event.rawPath,
        cors,
      );
    }
  };
}
