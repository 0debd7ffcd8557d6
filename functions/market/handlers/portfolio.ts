import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { AppError } from '../../platform/errors.ts';
import { portfolioRoute } from '../api.ts';
import { rcOut } from '../store/codec.ts';
import { rcsOfOwner } from '../store/reads.ts';

export const handler = httpHandler(portfolioRoute, marketContext, async (req, { rt }) => {
  const p = mustPrincipal(req.principal);
  if (p.id !== req.params.userId && !p.roles.includes('admin')) throw new AppError('forbidden', 'you can only see your own portfolio');
  const rcs = await rcsOfOwner(rt, req.params.userId);
  rcs.sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : a.rcId < b.rcId ? -1 : 1));
  return { userId: req.params.userId, reservations: rcs.map(rcOut) };
});
