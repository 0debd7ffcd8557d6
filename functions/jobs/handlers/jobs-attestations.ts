import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { attestationsRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { attestationsView } from '../views.ts';
import { visibleJob } from '../usecases/visible.ts';
import { getAgent } from '../store/agent-store.ts';

export const handler = httpHandler(attestationsRoute, jobsContext, async (req, d) => {
  const job = await visibleJob(d, mustPrincipal(req.principal), req.params.id);
  return attestationsView(job, job.agentId ? await getAgent(d.store, job.agentId) : null);
});
