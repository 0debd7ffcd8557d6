/** POST /v1/settlement/holds/{jobId}/decision: an operator sends a disputed hold to the provider or back to the buyer. */
import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { holdDecisionRoute } from '../api.ts';
import { decideDispute, holdView } from '../usecases/holds.ts';

export const handler = httpHandler(holdDecisionRoute, marketContext, async (req, d) => holdView(await decideDispute(d, req.params.jobId, req.body.award)));
