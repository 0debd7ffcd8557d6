import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { AppError } from '../../platform/errors.ts';
import { jobAllocationsRoute, JobAllocationOut } from '../api.ts';
import { getJobItem } from '../store/reads.ts';

export const handler = httpHandler(jobAllocationsRoute, marketContext, async (req, { rt }) => {
  const p = mustPrincipal(req.principal);
  const it = await getJobItem(rt, req.params.jobId);
  const privileged = p.roles.includes('admin') || p.roles.includes('operator');
  if (!it || (it.userId !== p.id && !privileged)) throw new AppError('not_found', `no allocation for job ${req.params.jobId}`);
  return JobAllocationOut.parse(JSON.parse(String(it.result)));
});
