/**
 * The job credential check every sidecar route runs, on each request (revocation and the
 * job's end take effect at once; no cache): no credential → 401; another job's → 403;
 * this job's after it ended → 409. A missing credential is refused before the job is read,
 * so job ids are no oracle.
 */
import { AppError } from '../../platform/errors.ts';
import { JOB_CREDENTIAL_HEADER } from '../../platform/auth/principal.ts';
import { credentialProblem, getJob, type Job } from '../../jobs/index.ts';
import { privacyError } from '../errors.ts';
import type { PrivacyDeps } from '../deps.ts';

export async function jobOfCredential(d: PrivacyDeps, jobId: string, secret: string | undefined): Promise<Job> {
  if (!secret) throw new AppError('unauthenticated', 'a job credential is required (X-Job-Credential)');
  const job = await getJob(d.jobs.store, jobId);
  // An unknown job and a job that is not attested answer alike: this credential opens nothing here.
  if (!job || !job.privacy) throw privacyError('job_credential_invalid', 'this credential is not the job credential of this job');
  const problem = credentialProblem(job, secret, d.rt.clock.nowMs());
  if (problem === 'missing') throw new AppError('unauthenticated', 'a job credential is required (X-Job-Credential)');
  if (problem === 'wrong') throw privacyError('job_credential_invalid', 'this credential is not the job credential of this job');
  if (problem === 'expired') throw privacyError('job_credential_expired', `job ${jobId} no longer holds its container (${job.status})`, { status: job.status });
  return job;
}

/** The job credential among request headers (any case). */
export function credentialFrom(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const want = JOB_CREDENTIAL_HEADER.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}
