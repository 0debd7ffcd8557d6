/**
 * The route table: every HTTP endpoint, read by CDK (API Gateway routes, one Lambda per
 * route), the local gateway, the OpenAPI document and the SDK. It is a composition (it
 * imports every context's `api.ts`), so it lives here and not in the leaf `definitions/`.
 * Add a context's routes here.
 */
import type { RouteSpec } from '../platform/http/route.ts';
import { platformRoutes } from '../platform/api.ts';
import { ledgerRoutes } from '../ledger/api.ts';
import { marketRoutes } from '../market/api.ts';
import { jobsRoutes } from '../jobs/api.ts';
import { providersRoutes } from '../providers/api.ts';
import { paymentsRoutes } from '../payments/api.ts';
import { privacyRoutes } from '../privacy/api.ts';
import { controlPlaneRoutes } from '../control-plane/api.ts';
import { artifactsRoutes } from '../artifacts/api.ts';
import { openapiRoute } from './api.ts';

export const ROUTES: readonly RouteSpec[] = [
  ...platformRoutes,
  openapiRoute,
  ...ledgerRoutes,
  ...marketRoutes,
  ...jobsRoutes,
  ...providersRoutes,
  ...paymentsRoutes,
  ...privacyRoutes,
  ...controlPlaneRoutes,
  ...artifactsRoutes,
] as RouteSpec[];
