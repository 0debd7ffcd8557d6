import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { listingCreateRoute } from '../api.ts';
import { createListing } from '../usecases/secondary.ts';
import { scu } from '../domain/units.ts';

export const handler = httpHandler(listingCreateRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  return createListing(d, p.id, { rcId: req.body.rcId, scu: scu(BigInt(req.body.scu)), askMicro: req.body.askPrice }, req.idempotencyKey);
});
