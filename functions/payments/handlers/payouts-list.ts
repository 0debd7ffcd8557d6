import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { paymentsContext } from '../deps.ts';
import { payoutsListRoute } from '../api.ts';
import { payoutsOf } from '../store/reads.ts';
import { payoutOut } from '../views.ts';

export const handler = httpHandler(payoutsListRoute, paymentsContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  return { payouts: (await payoutsOf(d.store, p.id)).map(payoutOut) };
});
