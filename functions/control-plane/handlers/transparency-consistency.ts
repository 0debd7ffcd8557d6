import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { consistencyRoute } from '../api.ts';
import { consistencyFor } from '../usecases/transparency.ts';

export const handler = httpHandler(consistencyRoute, controlPlaneContext, async (req, d) => consistencyFor(d, req.query.first, req.query.second));
