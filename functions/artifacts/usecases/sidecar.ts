/**
 * The sidecar's artifacts routes (access `job`: the job credential, checked on each request).
 * `session`: a plain job's inputs released under the plain tier's hash (an attested job's come
 * with its handshake, from the privacy gate) and the output slots; a refused input fails the
 * job with its code. `report`: the sidecar's sealed outputs, recorded here and on the job (so the
 * deletion attestation commits to their Merkle roots), or the failure that ended its run.
 */
import { isoAt } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { JOB_CREDENTIAL_HEADER } from '../../platform/auth/principal.ts';
import { credentialProblem, getJob, recordJobOutputs, recordSidecarFailure, type Job } from '../../jobs/index.ts';
import { outputObjectKey, outputReportKey, plainTierHash } from '../domain/artifact.ts';
import { artifactsError } from '../errors.ts';
import type { ArtifactsDeps } from '../deps.ts';
import { outputSlots, recordOutputs, type OutputGrant, type ReportedOutput } from './outputs.ts';
import { releaseInputs } from './release.ts';
import type { PresignedUrl } from '../drivers/object-store.ts';
import type { Upload } from '../../platform/http/presigned-upload.ts';
import { claimOutputReport, getArtifact, getOutputGrant, type StoredGrant } from '../store/artifact-store.ts';
import { presignUpload } from './uploads.ts';

export async function jobOfSidecar(d: ArtifactsDeps, jobId: string, secret: string | undefined): Promise<Job> {
  if (!secret) throw new AppError('unauthenticated', 'a job credential is required (X-Job-Credential)');
  const job = await getJob(d.jobsStore, jobId);
  if (!job) throw artifactsError('artifacts_credential_invalid', 'this credential is not the job credential of this job');
  const problem = credentialProblem(job, secret, d.rt.clock.nowMs());
  if (problem === 'missing') throw new AppError('unauthenticated', 'a job credential is required (X-Job-Credential)');
  if (problem === 'wrong') throw artifactsError('artifacts_credential_invalid', 'this credential is not the job credential of this job');
  if (problem === 'expired') throw artifactsError('artifacts_job_ended', `job ${jobId} no longer holds its container (${job.status})`, { status: job.status });
  return job;
}

/** An input as it travels to the sidecar (over TLS, to the holder of the job credential). */
export interface WireInput {
  name: string;
  artifactId: string;
  size: number;
  merkleRoot: string;
  /** Base64 of the 32-byte file key. */
  fileKey: string;
  download: PresignedUrl;
}

export interface SidecarSession {
  inputs: WireInput[];
  /** Null when the buyer registered no encryption key: the job runs, its outputs are not kept. */
  outputs: OutputGrant | null;
}

/** Released inputs as wire objects; the plaintext keys are zeroed once encoded. */
export function wireInputs(released: Awaited<ReturnType<typeof releaseInputs>>): WireInput[] {
  return released.map(({ fileKey, ...rest }) => {
    const out = { ...rest, fileKey: Buffer.from(fileKey).toString('base64') };
    fileKey.fill(0);
    return out;
  });
}

const INPUT_REFUSALS = new Set(['input_not_available', 'already_released']);

export async function sidecarSession(d: ArtifactsDeps, job: Job): Promise<SidecarSession> {
  let inputs: WireInput[] = [];
  if (!job.privacy && job.inputs?.length) {
    try {
      inputs = wireInputs(await releaseInputs(d, { jobId: job.jobId, buyerId: job.ownerId, attestationHash: plainTierHash(job) }));
    } catch (e) {
      if (e instanceof AppError && INPUT_REFUSALS.has(e.code)) await recordSidecarFailure(d.jobsStore, job.jobId, 'input_not_available', d.rt.clock.nowMs());
      throw e;
    }
  }
  let outputs: OutputGrant | null = null;
  try {
    outputs = await outputSlots(d, { jobId: job.jobId, tenant: job.tenant, count: d.cfg.maxOutputs });
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'encryption_key_missing')) throw e;
  }
  return { inputs, outputs };
}

/** The job's grant, when every id is among its slots; else the refusal (nothing granted, or an id it did not grant). */
function granted(grant: StoredGrant | null, jobId: string, artifactIds: readonly string[]): StoredGrant {
  const unknown = artifactIds.filter((id) => !grant?.slots.includes(id));
  if (!grant || unknown.length)
    throw artifactsError(
      'output_slot_unknown',
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an output slot' : 'are not output slots'} of job ${jobId}`,
      {
        unknown,
      },
    );
  return grant;
}

/**
 * The upload of one sealed output, presigned now that its size is known (a URL signed at the
 * handshake would have to outlive the workload, and a Lambda role's credentials do not). Only
 * for a slot the job was granted (so its objects are at most its slots, each within the
 * per-file limit), never over a recorded output, never after the job's report.
 */
export async function sidecarUpload(d: ArtifactsDeps, job: Job, r: { artifactId: string; size: number }): Promise<{ upload: Upload }> {
  if (r.size > d.cfg.maxBytes)
    throw artifactsError('output_too_large', `a sealed output holds at most ${d.cfg.maxBytes} bytes, this one ${r.size}`, { limit: d.cfg.maxBytes });
  const grant = granted(await getOutputGrant(d.store, job.jobId), job.jobId, [r.artifactId]);
  if (grant.reportKey !== undefined) throw artifactsError('outputs_already_reported', `job ${job.jobId} has reported its outputs`);
  if (await getArtifact(d.store, r.artifactId)) throw artifactsError('artifact_already_uploaded', `output ${r.artifactId} is already recorded`);
  return { upload: await presignUpload(d, outputObjectKey(job.jobId, r.artifactId), r.size, d.rt.clock.nowMs()) };
}

/** The codes a sidecar may report (sidecar/artifacts.ts ArtifactFailure). */
export const SIDECAR_FAILURES = [
  'input_download_failed',
  'input_tampered',
  'input_root_mismatch',
  'output_too_large',
  'too_many_outputs',
  'output_upload_failed',
] as const;

export type SidecarReport = { outputs: ReportedOutput[] } | { failure: { code: (typeof SIDECAR_FAILURES)[number]; detail: string } };

export async function sidecarReport(d: ArtifactsDeps, job: Job, r: SidecarReport): Promise<{ recorded: number; failed: string | null }> {
  const now = d.rt.clock.nowMs();
  if ('failure' in r) {
    await recordSidecarFailure(d.jobsStore, job.jobId, r.failure.code, now);
    return { recorded: 0, failed: r.failure.code };
  }
  const grant = await getOutputGrant(d.store, job.jobId);
  if (r.outputs.length === 0 && !grant) return { recorded: 0, failed: null };
  // One report per job (the same one may come again): a second set could otherwise pass the
  // per-job limit again and replace the outputs the deletion attestation commits to.
  const ids = r.outputs.map((o) => o.artifactId);
  granted(grant, job.jobId, ids);
  if (new Set(ids).size !== ids.length) throw new AppError('validation_failed', 'the report names an output id twice');
  if (!(await claimOutputReport(d.store, job.jobId, outputReportKey(ids), isoAt(now))))
    throw artifactsError('outputs_already_reported', `job ${job.jobId} has reported other outputs`);
  if (r.outputs.length === 0) return { recorded: 0, failed: null };
  let recorded;
  try {
    recorded = await recordOutputs(d, { jobId: job.jobId, outputs: r.outputs });
  } catch (e) {
    if (e instanceof AppError && (e.code === 'output_too_large' || e.code === 'too_many_outputs'))
      await recordSidecarFailure(d.jobsStore, job.jobId, e.code, now);
    throw e;
  }
  if (!(await recordJobOutputs(d.jobsStore, job.jobId, job.containerId!, recorded)))
    throw artifactsError('artifacts_job_ended', `job ${job.jobId} ended before its outputs were recorded`, { status: job.status });
  return { recorded: recorded.length, failed: null };
}

/** The job credential among request headers (any case). */
export function credentialFrom(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const want = JOB_CREDENTIAL_HEADER.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}
