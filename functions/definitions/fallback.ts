/**
 * The API's catch-all (`$default` in API Gateway): a request no route matches gets a
 * problem+json answer from the exchange (`route_not_found`, or `method_not_allowed` with
 * Allow) instead of API Gateway's own body. Read by CDK and the local gateway.
 */
export const FALLBACK = {
  id: 'fallback',
  entry: 'functions/api/handlers/fallback.ts',
} as const;
