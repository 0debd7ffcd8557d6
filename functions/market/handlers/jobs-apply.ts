import { httpHandler } from '../../platform/http/handler.ts';
import { jobApplyRoute } from '../api.ts';
import { applyJob } from '../usecases/coverage.ts';

type Out = Omit<ReturnType<typeof jobApplyRoute.response.body.parse>, 'replayed'>;

export const handler = httpHandler(jobApplyRoute, async (req, rt) => {
  const b = req.body;
  const out = await applyJob(rt, {
    jobId: b.jobId,
    userId: b.userId,
    providerId: b.providerId,
    scu: b.scu === undefined ? undefined : BigInt(b.scu),
    runtimeSeconds: b.runtimeSeconds === undefined ? undefined : BigInt(b.runtimeSeconds),
  });
  return { ...(out.result as unknown as Out), replayed: out.replayed };
});
