import { httpHandler } from '../../platform/http/handler.ts';
import { jobsApplyBatchRoute } from '../api.ts';
import { applyJobs, usageFromJson } from '../usecases/coverage.ts';

type Out = ReturnType<typeof jobsApplyBatchRoute.response.body.parse>['jobs'][number];

export const handler = httpHandler(jobsApplyBatchRoute, async (req, rt) => {
  const b = req.body;
  const out = await applyJobs(rt, { userId: b.userId, providerId: b.providerId, jobs: b.jobs.map(usageFromJson) });
  return { jobs: out.map((o) => ({ ...(o.result as unknown as Omit<Out, 'replayed'>), replayed: o.replayed })) };
});
