import { httpHandler } from '../../platform/http/handler.ts';
import { buildOpenApi } from '../../platform/http/openapi.ts';
import { openapiRoute } from '../api.ts';
import { ROUTES } from '../routes.ts';

let doc: Record<string, unknown> | undefined;

export const handler = httpHandler(openapiRoute, async () => {
  doc ??= buildOpenApi(ROUTES);
  return doc as { openapi: string };
});
