/**
 * The Lambda authorizer every non-public route runs behind: read by CDK and the local
 * gateway. It has no identity source in API Gateway (so a missing key reaches it and the
 * route answers problem+json); it caches resolved keys itself for `cacheTtlSec`.
 */
export const AUTHORIZER = {
  id: 'authorizer',
  entry: 'functions/platform/handlers/authorizer.ts',
  /** The header the key travels in. */
  identityHeader: 'X-API-Key',
  /** How long the authorizer remembers a key it resolved (a revoked key stays valid up to this long). */
  cacheTtlSec: 300,
} as const;
