import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { jobApplyRoute } from '../api.ts';
import { applyJob, usageFromJson } from '../usecases/coverage.ts';

export const handler = httpHandler(jobApplyRoute, marketContext, async (req, d) => {
  const b = req.body;
  const out = await applyJob(d, { ...usageFromJson(b), userId: b.userId, providerId: b.providerId });
  return { ...out.result, replayed: out.replayed };
});
