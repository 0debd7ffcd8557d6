/**
 * The route table: every HTTP endpoint, read by CDK (API Gateway routes, one Lambda per
 * route), the local gateway, the OpenAPI document and the SDK. Add a context's routes here.
 */
import type { RouteSpec } from '../platform/http/route.ts';
import { platformRoutes } from '../platform/api.ts';
import { ledgerRoutes } from '../ledger/api.ts';
import { marketRoutes } from '../market/api.ts';
import { jobsRoutes } from '../jobs/api.ts';

export const ROUTES: readonly RouteSpec[] = [...platformRoutes, ...ledgerRoutes, ...marketRoutes, ...jobsRoutes] as RouteSpec[];

/** The authorizer every non-public route runs behind. */
export const AUTHORIZER = {
  id: 'authorizer',
  entry: 'functions/platform/handlers/authorizer.ts',
  identityHeader: 'X-API-Key',
  cacheTtlSec: 300,
} as const;
