import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { cancelJobRoute } from '../api.ts';
import { cancelJob } from '../usecases/abort.ts';
import { jobsContext } from '../deps.ts';
import { jobView } from '../views.ts';
import { visibleJob } from '../usecases/visible.ts';

export const handler = httpHandler(cancelJobRoute, jobsContext, async (req, d) => {
  return jobView(await cancelJob(d, await visibleJob(d, mustPrincipal(req.principal), req.params.id)));
});
