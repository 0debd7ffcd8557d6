import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { privacyGetRoute } from '../api.ts';
import { privacyContext } from '../deps.ts';
import { showPrivacy } from '../usecases/show.ts';

export const handler = httpHandler(privacyGetRoute, privacyContext, async (req, d) => showPrivacy(d, mustPrincipal(req.principal), req.params.id));
