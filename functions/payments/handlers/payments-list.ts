import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { paymentsContext } from '../deps.ts';
import { paymentsListRoute } from '../api.ts';
import { paymentsOf } from '../store/reads.ts';
import { paymentOut } from '../views.ts';

export const handler = httpHandler(paymentsListRoute, paymentsContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  return { payments: (await paymentsOf(d.store, p.id)).map(paymentOut) };
});
