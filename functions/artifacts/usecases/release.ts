/**
 * The privacy gate's seam (functions/artifacts/index.ts): after a job's handshake passed, the
 * gate calls releaseInputs. For each input the job's spec names, it checks the artifact is the
 * buyer's and uploaded, unwraps its file key under the owner's context, records the release
 * once per (job, input) with the key re-wrapped under the release context (job id and
 * attestation hash: CloudTrail shows both), and returns the key with a presigned GET. The
 * gate seals the keys to the attested session; this context never sends them anywhere.
 * Any refusal is an error naming the input: the gate fails the job with it.
 */
import { isoAt } from '../../platform/clock.ts';
import { getJob } from '../../jobs/index.ts';
import { inputKeyContext, releaseKeyContext } from '../domain/artifact.ts';
import type { PresignedUrl } from '../drivers/object-store.ts';
import { artifactsError } from '../errors.ts';
import { getArtifact, putRelease } from '../store/artifact-store.ts';
import type { ArtifactsDeps } from '../deps.ts';

export interface ReleaseRequest {
  jobId: string;
  /** The job's buyer (its owner principal id); the gate passes what it attested for. */
  buyerId: string;
  attestationHash: string;
}

export interface ReleasedInput {
  name: string;
  artifactId: string;
  size: number;
  merkleRoot: string;
  /** The plaintext file key (32 bytes): the caller seals it to the session and zeroes it. */
  fileKey: Uint8Array;
  download: PresignedUrl;
}

export async function releaseInputs(d: ArtifactsDeps, r: ReleaseRequest): Promise<ReleasedInput[]> {
  const job = await getJob(d.jobsStore, r.jobId);
  if (!job || job.ownerId !== r.buyerId) throw artifactsError('input_not_available', `job ${r.jobId} is not a job of buyer ${r.buyerId}`);
  const inputs = job.inputs ?? [];
  if (inputs.length > d.cfg.maxInputs) throw artifactsError('input_not_available', `job ${r.jobId} names more than ${d.cfg.maxInputs} inputs`);
  const now = d.rt.clock.nowMs();
  const out: ReleasedInput[] = [];
  try {
    for (const i of inputs) {
      const a = await getArtifact(d.store, i.artifactId);
      if (!a || a.kind !== 'input' || a.tenant !== job.tenant)
        throw artifactsError('input_not_available', `input ${i.name}: artifact ${i.artifactId} is not this buyer's`);
      if (a.state !== 'uploaded' || !a.wrappedKey) throw artifactsError('input_not_available', `input ${i.name}: artifact ${i.artifactId} is not uploaded`);
      const fileKey = await d.keys.unwrap(Buffer.from(a.wrappedKey, 'base64'), inputKeyContext(a));
      const released = await d.keys.wrap(fileKey, releaseKeyContext(a, r.jobId, r.attestationHash));
      const ok = await putRelease(d.store, {
        jobId: r.jobId,
        artifactId: a.artifactId,
        attestationHash: r.attestationHash,
        releasedKey: Buffer.from(released).toString('base64'),
        releasedAt: isoAt(now),
      });
      if (!ok) {
        fileKey.fill(0);
        throw artifactsError('already_released', `input ${i.name} of job ${r.jobId} was released to another attestation`);
      }
      out.push({
        name: i.name,
        artifactId: a.artifactId,
        size: a.size,
        merkleRoot: a.merkleRoot,
        fileKey,
        download: await d.objects.presignGet(a.objectKey, d.cfg.urlTtlS, now),
      });
    }
  } catch (e) {
    for (const o of out) o.fileKey.fill(0);
    throw e;
  }
  return out;
}
