import { controlPlaneContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { voteRoute } from '../api.ts';
import { castVote } from '../usecases/governance.ts';
import { proposalOut } from '../views.ts';

export const handler = httpHandler(voteRoute, controlPlaneContext, async (req, d) =>
  proposalOut(await castVote(d, mustPrincipal(req.principal), req.params.id, req.body.support)),
);
