/** GET /v1/settlement/holds/{jobId}: the hold of a settled job, for its parties and operators. */
import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { holdRoute } from '../api.ts';
import { holdFor, holdView } from '../usecases/holds.ts';

export const handler = httpHandler(holdRoute, marketContext, async (req, d) => holdView(await holdFor(d, mustPrincipal(req.principal), req.params.jobId)));
