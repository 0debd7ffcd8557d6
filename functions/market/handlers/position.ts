import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { AppError } from '../../platform/errors.ts';
import { formatAcu } from '../../platform/money.ts';
import { big } from '../../platform/dynamo/client.ts';
import { positionRoute } from '../api.ts';
import { listingOut, rcOut } from '../store/codec.ts';
import { allocationsOfRc, getRc, listingsOfRc } from '../store/reads.ts';

export const handler = httpHandler(positionRoute, marketContext, async (req, { rt }) => {
  const p = mustPrincipal(req.principal);
  const rc = await getRc(rt, req.params.rcId);
  const privileged = p.roles.includes('admin') || p.roles.includes('operator');
  // Someone else's RC reads as absent: ids are not a way to probe positions.
  if (!rc || (rc.ownerId !== p.id && !privileged)) throw new AppError('not_found', `no RC ${req.params.rcId}`);
  const [allocs, listings] = await Promise.all([allocationsOfRc(rt, rc.rcId), listingsOfRc(rt, rc.rcId)]);
  return {
    reservation: rcOut(rc),
    allocations: allocs.map((a) => ({ jobId: String(a.jobId), scu: Number(big(a.scu)), feeUsage: formatAcu(big(a.feeUsageMicro)), at: String(a.at) })),
    listings: listings.map(listingOut),
  };
});
