import { isoAt } from '../../platform/clock.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { jobStatusRoute } from '../api.ts';
import { isTerminal } from '../domain/lifecycle.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { visibleJob } from '../usecases/views.ts';

export const handler = httpHandler(jobStatusRoute, async (req, rt) => {
  const j = await visibleJob(jobsDeps(rt), mustPrincipal(req.principal), req.params.id);
  return { jobId: j.jobId, status: j.status, ...(j.reason ? { reason: j.reason } : {}), updatedAt: isoAt(j.updatedAtMs), terminal: isTerminal(j.status) };
});
