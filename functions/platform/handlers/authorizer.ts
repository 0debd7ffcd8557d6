/**
 * HTTP API Lambda authorizer (REQUEST, simple responses, cached by the key header).
 * A present but unknown key is let through as unauthenticated so the route answers a
 * problem+json 401 itself; a missing key never reaches here (API Gateway answers 401).
 */
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { resolveKey } from '../auth/keys.ts';
import { toAuthorizerContext, type AuthorizerContext } from '../auth/principal.ts';
import { entry } from '../compose.ts';
import { platformContext, type PlatformDeps } from '../deps.ts';
import { logger } from '../observability.ts';
import { observed } from '../observed.ts';

export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context: AuthorizerContext;
}

const authorize =
  ({ rt }: PlatformDeps) =>
  async (event: APIGatewayRequestAuthorizerEventV2, _context: Context): Promise<SimpleAuthorizerResult> => {
    const headers = event.headers ?? {};
    const secret = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-api-key')?.[1];
    if (!secret) return { isAuthorized: false, context: toAuthorizerContext(null) };
    const principal = await resolveKey({ doc: rt.doc, table: rt.table('auth') }, secret);
    if (!principal) logger.info('unknown API key presented');
    return { isAuthorized: true, context: toAuthorizerContext(principal) };
  };

export const handler = entry(platformContext, (d) => observed(authorize(d)));
