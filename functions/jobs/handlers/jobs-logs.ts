import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { jobLogsRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { visibleJob } from '../usecases/visible.ts';

export const handler = httpHandler(jobLogsRoute, jobsContext, async (req, d) => {
  const job = await visibleJob(d, mustPrincipal(req.principal), req.params.id);
  return { jobId: job.jobId, ...(await d.logs.read(job, req.query.limit, req.query.cursor)) };
});
