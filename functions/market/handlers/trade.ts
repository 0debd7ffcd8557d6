import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { tradeRoute } from '../api.ts';
import { executeTrade } from '../usecases/secondary.ts';
import { scu } from '../domain/units.ts';

export const handler = httpHandler(tradeRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  const out = await executeTrade(d, p.id, { listingId: req.body.listingId, scu: scu(BigInt(req.body.scu)) }, req.idempotencyKey);
  return { ...out.result, replayed: out.replayed };
});
