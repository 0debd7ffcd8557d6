/**
 * Request parsing at the edge: content type, size, JSON, and zod schemas for body, query and
 * path. Every failure is an AppError naming the field; nothing downstream sees raw input.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { AppError } from '../errors.ts';
import { issuesOf } from '../validation.ts';

export { issuesOf };
import type { RouteSpec } from './route.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = issuesOf(r.error, where);
  const first = issues[0];
  throw new AppError('validation_failed', first ? `${first.path}: ${first.message}` : `invalid ${where}`, { issues });
}

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The body's exact bytes: API Gateway's base64 decoded when it says so, never re-encoded. */
export function rawBodyOf(event: APIGatewayProxyEventV2): Buffer {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new AppError('payload_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  return bytes;
}

export function parseBody(event: APIGatewayProxyEventV2, spec: RouteSpec): unknown {
  const schema = spec.request?.body;
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new AppError('payload_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  // A raw-body route reads its bytes itself (rawBodyOf).
  if (spec.rawBody && !schema) return undefined;
  if (!schema) {
    if (text.trim().length > 0)
      throw new AppError('validation_failed', 'this endpoint takes no request body', { issues: [{ path: 'body', message: 'must be empty' }] });
    return undefined;
  }
  const type = header(event, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', `content-type must be application/json, got "${type || '(none)'}"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppError('malformed_json', `request body is not valid JSON: ${(e as Error).message}`);
  }
  return parseWith(schema, json, 'body');
}

export function parseQuery(event: APIGatewayProxyEventV2, spec: RouteSpec): unknown {
  const schema = spec.request?.query;
  const q = event.queryStringParameters ?? {};
  if (!schema) return {};
  return parseWith(schema, q, 'query');
}

export function parseParams(event: APIGatewayProxyEventV2, spec: RouteSpec): unknown {
  const schema = spec.request?.params;
  if (!schema) return {};
  return parseWith(schema, event.pathParameters ?? {}, 'path');
}
