import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { paymentsContext } from '../deps.ts';
import { checkoutRoute } from '../api.ts';
import { checkout } from '../usecases/checkout.ts';
import { paymentOut } from '../views.ts';

export const handler = httpHandler(checkoutRoute, paymentsContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  const input = req.body.usdCents !== undefined ? { usdCents: BigInt(req.body.usdCents) } : { microAcu: req.body.acu! };
  const out = await checkout(d, p.id, input, req.idempotencyKey);
  return { payment: paymentOut(out.payment), url: out.payment.checkoutUrl!, replayed: out.replayed };
});
