import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { cancelJobRoute } from '../api.ts';
import { cancelJob } from '../usecases/abort.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { jobView, visibleJob } from '../usecases/views.ts';

export const handler = httpHandler(cancelJobRoute, async (req, rt) => {
  const d = jobsDeps(rt);
  return jobView(await cancelJob(d, await visibleJob(d, mustPrincipal(req.principal), req.params.id)));
});
