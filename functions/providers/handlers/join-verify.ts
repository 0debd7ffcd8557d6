import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { providersContext } from '../deps.ts';
import { verifyRoute } from '../api.ts';
import { verifyNode } from '../usecases/verify.ts';

export const handler = httpHandler(verifyRoute, providersContext, async (req, d) => verifyNode(d, mustPrincipal(req.principal).id, req.body));
