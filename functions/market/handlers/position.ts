import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { formatAcu } from '../../platform/money.ts';
import { big } from '../../platform/dynamo/client.ts';
import { positionRoute } from '../api.ts';
import { listingOut, rcOut } from '../views.ts';
import { allocationsOfRc, getRc, listingsOfRc } from '../store/reads.ts';

export const handler = httpHandler(positionRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  // Someone else's RC reads as absent: ids are not a way to probe positions.
  const rc = visibleOr404(p, await getRc(d.store, req.params.rcId), (r) => ({ id: r.ownerId }), `RC ${req.params.rcId}`, ['operator']);
  const [allocs, listings] = await Promise.all([allocationsOfRc(d.store, rc.rcId), listingsOfRc(d.store, rc.rcId)]);
  return {
    reservation: rcOut(rc),
    allocations: allocs.map((a) => ({ jobId: String(a.jobId), scu: Number(big(a.scu)), feeUsage: formatAcu(big(a.feeUsageMicro)), at: String(a.at) })),
    listings: listings.map(listingOut),
  };
});
