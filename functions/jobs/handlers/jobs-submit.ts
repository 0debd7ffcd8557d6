import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { submitJobRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { submitJob } from '../usecases/submit.ts';
import { jobView } from '../views.ts';

export const handler = httpHandler(submitJobRoute, jobsContext, async (req, d) =>
  jobView(await submitJob(d, mustPrincipal(req.principal), req.body, req.idempotencyKey)),
);
