/** The ownership rule of jobs (platform/auth/visibility.ts): another tenant's job reads as absent. */
import type { Principal } from '../../platform/auth/principal.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import type { Job } from '../domain/job.ts';
import { getJob } from '../store/job-store.ts';
import type { JobsDeps } from '../deps.ts';

export async function visibleJob(d: JobsDeps, p: Principal, jobId: string): Promise<Job> {
  return visibleOr404(p, await getJob(d.store, jobId), (j) => ({ tenant: j.tenant }), `job ${jobId}`);
}
