import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { inclusionRoute } from '../api.ts';
import { inclusionFor } from '../usecases/transparency.ts';

export const handler = httpHandler(inclusionRoute, controlPlaneContext, async (req, d) => inclusionFor(d, req.query.keyId, req.query.treeSize));
