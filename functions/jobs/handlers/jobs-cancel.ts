import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { cancelJobRoute } from '../api.ts';
import { cancelJob } from '../service/abort.ts';
import { jobsDeps } from '../service/deps.ts';
import { jobView, visibleJob } from '../service/views.ts';

export const handler = httpHandler(cancelJobRoute, async (req, rt) => {
  const d = jobsDeps(rt);
  return jobView(await cancelJob(d, await visibleJob(d, mustPrincipal(req.principal), req.params.id)));
});
