import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { unitsListRoute } from '../api.ts';
import { listSchedulerUnits } from '../usecases/reserve.ts';
import { unitOut } from '../views.ts';

export const handler = httpHandler(unitsListRoute, controlPlaneContext, async (_req, d) => ({ units: (await listSchedulerUnits(d)).map(unitOut) }));
