import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { providersContext } from '../deps.ts';
import { providerPatchRoute } from '../api.ts';
import { amendProvider } from '../usecases/directory.ts';
import { providerView } from '../views.ts';

export const handler = httpHandler(providerPatchRoute, providersContext, async (req, d) =>
  providerView(await amendProvider(d, mustPrincipal(req.principal), req.params.id, req.body), d.rt.clock.nowMs()),
);
