/** OpenAPI 3.1 from the route table's zod schemas (JSON Schema 2020-12 is 3.1's dialect). */
import * as z from 'zod';
import type { RouteSpec } from './route.ts';

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const out = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
};

function parameters(s: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!s) return [];
  const js = schemaOf(s, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema,
  }));
}

const problemSchema = (codes: readonly string[]): Json => ({
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: [...codes] },
    detail: { type: 'string' },
    instance: { type: 'string' },
    issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
});

const GATEWAY_MESSAGE: Json = { type: 'object', required: ['message'], properties: { message: { type: 'string' } } };

/** The document of `routes`; `errorCodes` are every `code` a problem body may carry. */
export function buildOpenApi(routes: readonly RouteSpec[], errorCodes: readonly string[], version = '0.1.0'): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const op: Json = {
      operationId: r.id,
      summary: r.summary,
      tags: r.tags,
      parameters: [
        ...parameters(r.request?.params, 'path'),
        ...parameters(r.request?.query, 'query'),
        ...(r.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' } }] : []),
      ],
      responses: {
        [String(r.response.status)]: { description: 'success', content: { 'application/json': { schema: schemaOf(r.response.body, 'output') } } },
        // The two bodies API Gateway writes itself, before the exchange sees the request.
        '429': { $ref: '#/components/responses/GatewayThrottled' },
        ...(r.request?.body ? { '413': { $ref: '#/components/responses/GatewayTooLarge' } } : {}),
        default: { description: 'problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
      ...(r.access === 'public'
        ? { security: [] }
        : r.access === 'job'
          ? { security: [{ jobCredential: [] }], 'x-vracu-access': r.access }
          : { 'x-vracu-access': r.access }),
    };
    if (r.request?.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.request.body, 'input') } } };
    // A raw-body route reads signed bytes (a webhook): any JSON, verified by its signature header.
    else if (r.rawBody)
      op.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object', description: 'verified over its exact bytes' } } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'VR-ACU exchange',
      version,
      description:
        'Money is a decimal string of ACU with at most 6 decimals. Every answer of the exchange that is not a success is application/problem+json with a stable `code`; only API Gateway itself answers otherwise, with its own JSON `{"message": ...}`: 429 when its throttle refuses a request, 413 when a body is over its 10 MB limit (the exchange refuses bodies over 1 MB itself, as problem+json `payload_too_large`).',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        jobCredential: { type: 'apiKey', in: 'header', name: 'X-Job-Credential' },
      },
      schemas: { Problem: problemSchema(errorCodes), GatewayMessage: GATEWAY_MESSAGE },
      responses: {
        GatewayThrottled: {
          description: "API Gateway's throttle (per stage, and per route where the route table sets one): its own body, not problem+json",
          headers: { 'retry-after': { schema: { type: 'string' } } },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' }, example: { message: 'Too Many Requests' } } },
        },
        GatewayTooLarge: {
          description: "API Gateway's payload limit (10 MB): its own body, not problem+json",
          content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' }, example: { message: 'Request Entity Too Large' } } },
        },
      },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}
