import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { jobAllocationsRoute, JobAllocationOut } from '../api.ts';
import { getJobItem } from '../store/reads.ts';

export const handler = httpHandler(jobAllocationsRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  const it = visibleOr404(p, await getJobItem(d.store, req.params.jobId), (i) => ({ id: String(i.userId) }), `allocation of job ${req.params.jobId}`, [
    'operator',
  ]);
  return JobAllocationOut.parse(JSON.parse(String(it.result)));
});
