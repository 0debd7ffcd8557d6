import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { purchaseRoute } from '../api.ts';
import { purchase } from '../usecases/purchase.ts';

type Out = Omit<ReturnType<typeof purchaseRoute.response.body.parse>, 'replayed'>;

export const handler = httpHandler(purchaseRoute, async (req, rt) => {
  const p = mustPrincipal(req.principal);
  const out = await purchase(rt, p.id, req.body.quoteId, req.idempotencyKey, req.body.maxDriftBps);
  return { ...(out.result as unknown as Out), replayed: out.replayed };
});
