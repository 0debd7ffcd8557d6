import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { listJobsRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { jobView } from '../views.ts';
import { tenantJobs } from '../store/job-store.ts';

export const handler = httpHandler(listJobsRoute, jobsContext, async (req, d) => {
  const page = await tenantJobs(d.store, mustPrincipal(req.principal).tenant, req.query.limit, req.query.cursor);
  return { jobs: page.jobs.map(jobView), ...(page.next ? { next: page.next } : {}) };
});
