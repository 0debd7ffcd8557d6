import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { providersContext } from '../deps.ts';
import { providerGetRoute } from '../api.ts';
import { visibleProvider } from '../usecases/directory.ts';
import { providerView } from '../views.ts';

export const handler = httpHandler(providerGetRoute, providersContext, async (req, d) =>
  providerView(await visibleProvider(d, mustPrincipal(req.principal), req.params.id), d.rt.clock.nowMs()),
);
