/**
 * An attested job's step between LAUNCHING and RUNNING. Its container reports RUNNING and the
 * job waits in ATTESTING; the privacy context's gate then either confirms it (the creation
 * attestation is signed with the attestation hash, the job moves to RUNNING) or ends it
 * (FAILED `attestation_failed`, or ABORTED `revoked_session`: the container is stopped and the
 * deletion attestation records why).
 */
import { isoAt } from '../../platform/clock.ts';
import type { Job } from '../domain/job.ts';
import { getJob, transition } from '../store/job-store.ts';
import type { JobsDeps } from '../deps.ts';
import { agentOf, signCreation } from './attest.ts';
import { abortJob } from './abort.ts';
import { jobEvent, publishStaged } from './notify.ts';

export type ConfirmResult = { ok: true; job: Job } | { ok: false; status: Job['status'] | 'missing' };

/** ATTESTING → RUNNING with the creation attestation carrying `attestationHash`; conditional, so a repeat does nothing. */
export async function confirmAttested(d: JobsDeps, jobId: string, attestationHash: string): Promise<ConfirmResult> {
  const job = await getJob(d.store, jobId);
  if (!job) return { ok: false, status: 'missing' };
  if (job.status !== 'ATTESTING' || !job.containerId || job.abortReason) return { ok: false, status: job.status };
  const now = d.rt.clock.nowMs();
  const attested = { ...job, attestationHash };
  const creation = await signCreation(d, attested, await agentOf(d, job), job.containerId, isoAt(now));
  const event = jobEvent(d, job, 'ATTESTING', 'RUNNING', { containerId: job.containerId, agentId: job.agentId, creationAttested: true });
  const r = await transition(d.store, job, 'ATTESTING', 'RUNNING', { attestationHash, creation }, now, {
    event,
    guard: { containerIs: job.containerId, noAbortRequested: true },
  });
  if (!r.ok) return { ok: false, status: (await getJob(d.store, jobId))?.status ?? 'missing' };
  await publishStaged(d, [event]);
  return { ok: true, job: { ...attested, status: 'RUNNING', creation } };
}

/** The gate refused the container's evidence: the job ends FAILED `attestation_failed`, its container stopped. */
export const failAttestation = (d: JobsDeps, jobId: string): Promise<Job> => abortJob(d, jobId, 'attestation_failed');

/** A revocation hit the job's session: it ends ABORTED `revoked_session`, its container stopped. */
export const abortRevoked = (d: JobsDeps, jobId: string): Promise<Job> => abortJob(d, jobId, 'revoked_session');
