import { httpHandler } from '../http/handler.ts';
import { buildOpenApi } from '../http/openapi.ts';
import { openapi } from '../api.ts';
import { ROUTES } from '../../definitions/routes.ts';

let doc: Record<string, unknown> | undefined;

export const handler = httpHandler(openapi, async () => {
  doc ??= buildOpenApi(ROUTES);
  return doc as { openapi: string };
});
