import { httpHandler } from '../../platform/http/handler.ts';
import { providersContext } from '../deps.ts';
import { providersListRoute } from '../api.ts';
import { allProviders } from '../usecases/directory.ts';
import { providerView } from '../views.ts';

export const handler = httpHandler(providersListRoute, providersContext, async (_req, d) => ({
  providers: (await allProviders(d)).map((p) => providerView(p, d.rt.clock.nowMs())),
}));
