import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { purchaseRoute } from '../api.ts';
import { purchase } from '../usecases/purchase.ts';

export const handler = httpHandler(purchaseRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  const out = await purchase(d, p.id, req.body.quoteId, req.idempotencyKey, req.body.maxDriftBps);
  return { ...out.result, replayed: out.replayed };
});
