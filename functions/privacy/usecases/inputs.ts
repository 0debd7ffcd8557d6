/**
 * The gate's release of a job's inputs (the artifacts context, through its index.ts): after the
 * evidence passed, each input's file key is released to this attestation and travels back with
 * the handshake, to the attested sidecar only. A refusal (another buyer's input, one not
 * uploaded, released to another attestation) records its code on the job, so the container's
 * stop ends it FAILED with that reason, and refuses the handshake. The output slots come
 * with the handshake too.
 */
import { recordSidecarFailure, type Job } from '../../jobs/index.ts';
import { outputSlots, releaseInputs, wireInputs, type OutputGrant, type WireInput } from '../../artifacts/index.ts';
import type { PrivacyDeps } from '../deps.ts';

export async function releaseJobInputs(d: PrivacyDeps, job: Job, attestationHash: string): Promise<WireInput[]> {
  if (!job.inputs?.length) return [];
  try {
    if (!d.artifacts) throw new Error(`job ${job.jobId} names inputs, and the privacy context was composed without the artifacts context`);
    return wireInputs(await releaseInputs(d.artifacts, { jobId: job.jobId, buyerId: job.ownerId, attestationHash }));
  } catch (e) {
    await recordSidecarFailure(d.jobs.store, job.jobId, 'input_not_available', d.rt.clock.nowMs());
    throw e;
  }
}

/**
 * The output slots for the attested sidecar, with its handshake (it needs no other call before
 * the workload); null without the artifacts context or when the buyer registered no key.
 */
export async function outputGrant(d: PrivacyDeps, job: Job): Promise<OutputGrant | null> {
  if (!d.artifacts) return null;
  try {
    return await outputSlots(d.artifacts, { jobId: job.jobId, tenant: job.tenant, count: d.artifacts.cfg.maxOutputs });
  } catch (e) {
    if ((e as { code?: string }).code === 'encryption_key_missing') return null;
    throw e;
  }
}
