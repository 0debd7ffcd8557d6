/**
 * HTTP API Lambda authorizer (REQUEST, simple responses). It has no identity source, so API
 * Gateway calls it for every request, a missing key included: a missing or unknown key is let
 * through as unauthenticated and the route answers a problem+json 401 itself, as on the
 * local stack. What API Gateway's result cache did, the authorizer does itself: a key it
 * resolved is remembered (by the SHA-256 of the secret, never the secret) for
 * AUTHORIZER.cacheTtlSec.
 */
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { hashKey, resolveKey } from '../auth/keys.ts';
import type { Principal } from '../auth/principal.ts';
import { AUTHORIZER } from '../../definitions/authorizer.ts';
import { toAuthorizerContext, type AuthorizerContext } from '../auth/principal.ts';
import { entry } from '../compose.ts';
import { platformContext, type PlatformDeps } from '../deps.ts';
import { logger } from '../observability.ts';
import { observed } from '../observed.ts';

export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context: AuthorizerContext;
}

/** Keys resolved recently, by their hash; at most this many are remembered. */
const CACHE_MAX = 1000;

const authorize = ({ rt }: PlatformDeps) => {
  const known = new Map<string, { principal: Principal; untilMs: number }>();
  return async (event: APIGatewayRequestAuthorizerEventV2, _context: Context): Promise<SimpleAuthorizerResult> => {
    const headers = event.headers ?? {};
    const secret = Object.entries(headers).find(([k]) => k.toLowerCase() === AUTHORIZER.identityHeader.toLowerCase())?.[1];
    if (!secret) return { isAuthorized: true, context: toAuthorizerContext(null) };
    const now = rt.clock.nowMs();
    const id = hashKey(secret);
    const hit = known.get(id);
    if (hit && hit.untilMs > now) return { isAuthorized: true, context: toAuthorizerContext(hit.principal) };
    const principal = await resolveKey({ doc: rt.doc, table: rt.table('auth') }, secret);
    if (!principal) {
      logger.info('unknown API key presented');
      return { isAuthorized: true, context: toAuthorizerContext(null) };
    }
    if (known.size >= CACHE_MAX) known.delete(known.keys().next().value!);
    known.set(id, { principal, untilMs: now + AUTHORIZER.cacheTtlSec * 1000 });
    return { isAuthorized: true, context: toAuthorizerContext(principal) };
  };
};

export const handler = entry(platformContext, (d) => observed(authorize(d)));
