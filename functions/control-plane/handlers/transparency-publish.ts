import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { logPublishRoute } from '../api.ts';
import { publishKey } from '../usecases/transparency.ts';

export const handler = httpHandler(logPublishRoute, controlPlaneContext, async (req, d) => publishKey(d, req.body));
