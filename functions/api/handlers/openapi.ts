import { httpHandler } from '../../platform/http/handler.ts';
import { buildOpenApi } from '../../platform/http/openapi.ts';
import { openapiRoute } from '../api.ts';
import { apiContext } from '../deps.ts';
import { ROUTES } from '../routes.ts';
import { ERROR_STATUS } from '../errors.ts';

let doc: Record<string, unknown> | undefined;

export const handler = httpHandler(openapiRoute, apiContext, async () => {
  doc ??= buildOpenApi(ROUTES, Object.keys(ERROR_STATUS));
  return doc as { openapi: string };
});
