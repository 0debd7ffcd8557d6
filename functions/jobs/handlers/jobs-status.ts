import { isoAt } from '../../platform/clock.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { jobStatusRoute } from '../api.ts';
import { isTerminal } from '../domain/lifecycle.ts';
import { jobsContext } from '../deps.ts';
import { visibleJob } from '../usecases/visible.ts';

export const handler = httpHandler(jobStatusRoute, jobsContext, async (req, d) => {
  const j = await visibleJob(d, mustPrincipal(req.principal), req.params.id);
  return { jobId: j.jobId, status: j.status, ...(j.reason ? { reason: j.reason } : {}), updatedAt: isoAt(j.updatedAtMs), terminal: isTerminal(j.status) };
});
