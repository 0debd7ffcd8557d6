/** POST /v1/settlement/holds/{jobId}/dispute: the buyer keeps the hold from its release until an operator decides. */
import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { holdDisputeRoute } from '../api.ts';
import { disputeHold, holdView } from '../usecases/holds.ts';

export const handler = httpHandler(holdDisputeRoute, marketContext, async (req, d) =>
  holdView(await disputeHold(d, mustPrincipal(req.principal), req.params.jobId, req.body.reason)),
);
