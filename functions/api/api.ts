/** The composition's own route: the OpenAPI document of every route. */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';

export const openapiRoute = defineRoute({
  id: 'openapi',
  method: 'GET',
  path: '/openapi.json',
  access: 'public',
  summary: 'This API as an OpenAPI 3.1 document',
  entry: 'functions/api/handlers/openapi.ts',
  tags: ['platform'],
  response: { status: 200, body: z.looseObject({ openapi: z.string() }) },
});
