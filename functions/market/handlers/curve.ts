import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { marketError } from '../errors.ts';
import { curveRoute } from '../api.ts';
import { TENOR_IDS } from '../domain/catalog.ts';
import { providerOut, statsOf } from '../views.ts';
import { providerState } from '../store/reads.ts';

export const handler = httpHandler(curveRoute, marketContext, async (req, d) => {
  const s = await providerState(d.store, req.params.id);
  if (!s) throw marketError('unknown_provider', `no provider "${req.params.id}"`);
  return { provider: providerOut(s.provider), curve: TENOR_IDS.map((t) => statsOf(s, t)) };
});
