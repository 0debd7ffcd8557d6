/** The Lambda authorizer every non-public route runs behind: read by CDK and the local gateway. */
export const AUTHORIZER = {
  id: 'authorizer',
  entry: 'functions/platform/handlers/authorizer.ts',
  identityHeader: 'X-API-Key',
  cacheTtlSec: 300,
} as const;
