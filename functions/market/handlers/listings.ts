import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listingsRoute } from '../api.ts';
import { listingOut } from '../views.ts';
import { openListings } from '../store/reads.ts';

export const handler = httpHandler(listingsRoute, marketContext, async (req, d) => {
  const limit = req.query.limit ?? 100;
  const all = await openListings(d.store, req.query.providerId || req.query.tenor ? 1000 : limit);
  const shown = all.filter((l) => (!req.query.providerId || l.providerId === req.query.providerId) && (!req.query.tenor || l.tenor === req.query.tenor));
  return { listings: shown.slice(0, limit).map(listingOut) };
});
