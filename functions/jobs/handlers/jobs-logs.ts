import { AppError } from '../../platform/errors.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { jobLogsRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { cloudLogsClient, readCloudLogs, readLocalLogs } from '../usecases/logs.ts';
import { visibleJob } from '../usecases/views.ts';

export const handler = httpHandler(jobLogsRoute, jobsContext, async (req, d) => {
  const job = await visibleJob(d, mustPrincipal(req.principal), req.params.id);
  const { limit, cursor } = req.query;
  if (d.cfg.driver === 'ecs') {
    const page = job.containerId ? await readCloudLogs(cloudLogsClient(d.rt.config.AWS_REGION), d.cfg.logGroup, job.containerId, limit, cursor) : { lines: [] };
    return { jobId: job.jobId, ...page };
  }
  if (cursor !== undefined && !/^\d{1,10}$/.test(cursor)) {
    throw new AppError('validation_failed', 'query.cursor: not a cursor of this listing', { issues: [{ path: 'query.cursor', message: 'invalid cursor' }] });
  }
  return { jobId: job.jobId, ...(await readLocalLogs(d.store, job.jobId, limit, cursor)) };
});
