import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { jobsApplyBatchRoute } from '../api.ts';
import { applyJobs, usageFromJson } from '../usecases/coverage.ts';

export const handler = httpHandler(jobsApplyBatchRoute, marketContext, async (req, d) => {
  const b = req.body;
  const out = await applyJobs(d, { userId: b.userId, providerId: b.providerId, jobs: b.jobs.map(usageFromJson) });
  return { jobs: out.map((o) => ({ ...o.result, replayed: o.replayed })) };
});
