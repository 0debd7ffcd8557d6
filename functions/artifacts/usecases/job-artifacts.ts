/**
 * A job's artifacts as its buyer sees them: the inputs its spec names and the outputs its
 * sidecar recorded. Another tenant's job is a 404 (the jobs visibility rule), and so is an
 * artifact that is not this job's.
 */
import type { Principal } from '../../platform/auth/principal.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { AppError } from '../../platform/errors.ts';
import { getJob, type Job } from '../../jobs/index.ts';
import { shownState, type Artifact } from '../domain/artifact.ts';
import type { PresignedUrl } from '../drivers/object-store.ts';
import { artifactsError } from '../errors.ts';
import { getArtifact, jobOutputs } from '../store/artifact-store.ts';
import type { ArtifactsDeps } from '../deps.ts';

export async function visibleJobOf(d: ArtifactsDeps, p: Principal, jobId: string): Promise<Job> {
  return visibleOr404(p, await getJob(d.jobsStore, jobId), (j) => ({ tenant: j.tenant }), `job ${jobId}`);
}

export interface JobArtifact {
  artifact: Artifact | null;
  /** The name the job's spec gives an input (its artifact's own name may differ). */
  name: string;
  kind: 'input' | 'output';
  artifactId: string;
}

export async function jobArtifacts(d: ArtifactsDeps, p: Principal, jobId: string): Promise<JobArtifact[]> {
  const job = await visibleJobOf(d, p, jobId);
  const inputs = await Promise.all(
    (job.inputs ?? []).map(async (i) => {
      const a = await getArtifact(d.store, i.artifactId);
      // An input of another tenant is listed as absent: its record is none of this buyer's business.
      return { artifact: a && a.tenant === job.tenant ? a : null, name: i.name, kind: 'input' as const, artifactId: i.artifactId };
    }),
  );
  const outputs = (await jobOutputs(d.store, jobId)).map((a) => ({ artifact: a, name: a.name, kind: 'output' as const, artifactId: a.artifactId }));
  return [...inputs, ...outputs];
}

export async function jobArtifactDownload(
  d: ArtifactsDeps,
  p: Principal,
  jobId: string,
  artifactId: string,
): Promise<{ artifact: Artifact; download: PresignedUrl }> {
  const job = await visibleJobOf(d, p, jobId);
  const a = await getArtifact(d.store, artifactId);
  const belongs = a && a.tenant === job.tenant && (a.jobId === jobId || (job.inputs ?? []).some((i) => i.artifactId === artifactId));
  if (!a || !belongs) throw new AppError('not_found', `artifact ${artifactId} of job ${jobId} not found`);
  const now = d.rt.clock.nowMs();
  if (shownState(a, now) === 'expired')
    throw artifactsError('artifact_expired', `output ${artifactId} expired at ${a.expiresAt}: its object is deleted by the bucket's retention rule`, {
      expiresAt: a.expiresAt,
    });
  if (a.state !== 'uploaded') throw artifactsError('artifact_not_uploaded', `artifact ${artifactId} is not uploaded yet`);
  return { artifact: a, download: await d.objects.presignGet(a.objectKey, d.cfg.urlTtlS, now) };
}
