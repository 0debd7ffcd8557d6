import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { listingCancelRoute } from '../api.ts';
import { cancelListing } from '../usecases/secondary.ts';

export const handler = httpHandler(listingCancelRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  return cancelListing(d, p.id, p.roles.includes('admin'), req.params.id);
});
