import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { AppError } from '../../platform/errors.ts';
import { curveRoute } from '../api.ts';
import { TENOR_IDS } from '../domain/catalog.ts';
import { providerOut, statsOf } from '../usecases/catalog.ts';
import { providerState } from '../store/reads.ts';

export const handler = httpHandler(curveRoute, marketContext, async (req, { rt }) => {
  const s = await providerState(rt, req.params.id);
  if (!s) throw new AppError('unknown_provider', `no provider "${req.params.id}"`);
  return { provider: providerOut(s.provider), curve: TENOR_IDS.map((t) => statsOf(s, t)) };
});
