import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sthRoute } from '../api.ts';
import { currentHead } from '../usecases/transparency.ts';

export const handler = httpHandler(sthRoute, controlPlaneContext, async (_req, d) => currentHead(d));
