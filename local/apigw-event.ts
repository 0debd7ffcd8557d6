/**
 * Builds API Gateway HTTP API (payload 2.0) events and Lambda contexts, so the local
 * gateway and tests drive the very handlers the cloud drives.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import type { RouteSpec } from '../functions/platform/http/route.ts';
import type { AuthorizerContext } from '../functions/platform/auth/principal.ts';

export interface HttpInput {
  method: string;
  /** Raw path, for example `/v1/jobs/job_123`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  sourceIp?: string;
}

export function apiGatewayEvent(
  /** The matched route, or `$default` (the catch-all). */
  route: Pick<RouteSpec, 'method' | 'path'> | '$default',
  input: HttpInput,
  pathParameters: Record<string, string>,
  authorizer: AuthorizerContext | null,
): APIGatewayProxyEventV2 & { requestContext: { authorizer?: { lambda: AuthorizerContext } } } {
  const now = Date.now();
  const headers = Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  const routeKey = route === '$default' ? '$default' : `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: input.path,
    rawQueryString,
    headers,
    ...(input.query && Object.keys(input.query).length ? { queryStringParameters: input.query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(input.body !== undefined && input.body !== '' ? { body: input.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method: input.method, path: input.path, protocol: 'HTTP/1.1', sourceIp: input.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(authorizer ? { authorizer: { lambda: authorizer } } : {}),
    },
  } as APIGatewayProxyEventV2 & { requestContext: { authorizer?: { lambda: AuthorizerContext } } };
}

export function authorizerEvent(route: RouteSpec, input: HttpInput): APIGatewayRequestAuthorizerEventV2 {
  const ev = apiGatewayEvent(route, input, {}, null);
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${route.method}${route.path}`,
    identitySource: [ev.headers['x-api-key'] ?? ''],
    routeKey: ev.routeKey,
    rawPath: ev.rawPath,
    rawQueryString: ev.rawQueryString,
    headers: ev.headers as Record<string, string>,
    requestContext: ev.requestContext,
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
