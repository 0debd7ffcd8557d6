import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { paymentsContext } from '../deps.ts';
import { payoutRequestRoute } from '../api.ts';
import { requestPayout } from '../usecases/payouts.ts';
import { payoutOut } from '../views.ts';

/** A provider key's principal id is its provider id: it pays out of `provider:<principal id>`. */
export const handler = httpHandler(payoutRequestRoute, paymentsContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  const out = await requestPayout(d, p.id, { microAcu: req.body.amount, rail: req.body.rail, destination: req.body.destination }, req.idempotencyKey);
  return { payout: payoutOut(out.payout), replayed: out.replayed };
});
