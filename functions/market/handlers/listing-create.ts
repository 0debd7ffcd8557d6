import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { listingCreateRoute } from '../api.ts';
import { createListing } from '../usecases/secondary.ts';

export const handler = httpHandler(listingCreateRoute, marketContext, async (req, { rt }) => {
  const p = mustPrincipal(req.principal);
  return createListing(rt, p.id, { rcId: req.body.rcId, scu: BigInt(req.body.scu), askMicro: req.body.askPrice }, req.idempotencyKey);
});
