import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { portfolioRoute } from '../api.ts';
import { rcOut } from '../views.ts';
import { rcsOfOwner } from '../store/reads.ts';

export const handler = httpHandler(portfolioRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  // Someone else's portfolio reads as absent (one visibility rule: platform/auth/visibility.ts).
  visibleOr404(p, req.params.userId, (id) => ({ id }), `portfolio of ${req.params.userId}`, ['operator']);
  const rcs = await rcsOfOwner(d.store, req.params.userId);
  rcs.sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : a.rcId < b.rcId ? -1 : 1));
  return { userId: req.params.userId, reservations: rcs.map(rcOut) };
});
