import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { providersContext } from '../deps.ts';
import { evidenceNonceRoute } from '../api.ts';
import { evidenceNonce } from '../usecases/evidence.ts';

export const handler = httpHandler(evidenceNonceRoute, providersContext, async (req, d) => evidenceNonce(d, mustPrincipal(req.principal), req.params.id));
