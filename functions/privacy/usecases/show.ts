/** What the owner of an attested job sees of its privacy: requirement, claims, hash, session and the release log. */
import type { Principal } from '../../platform/auth/principal.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { getJob, isTerminal } from '../../jobs/index.ts';
import { claimsOfJob, releasesOfJob, sessionOfJob } from '../store/sessions.ts';
import type { PrivacyDeps } from '../deps.ts';
import { privacyView } from '../views.ts';

export async function showPrivacy(d: PrivacyDeps, p: Principal, jobId: string) {
  const job = visibleOr404(p, await getJob(d.jobs.store, jobId), (j) => ({ id: j.ownerId }), `job ${jobId}`);
  const [session, claims, releases] = await Promise.all([sessionOfJob(d.sessions, jobId), claimsOfJob(d.sessions, jobId), releasesOfJob(d.sessions, jobId)]);
  return privacyView(job, session, claims, releases, isTerminal(job.status));
}
