/**
 * The artifacts context's hooks into a running job (through jobs' index.ts): the outputs its
 * sidecar sealed and uploaded, recorded on the job while it still holds its container, so the
 * deletion attestation signed at its end commits to each output's Merkle root; and a failure
 * the sidecar reports (an input refused or tampered, an output over the limit), recorded as
 * the job's abort reason so the container's stop ends it FAILED with that reason.
 */
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { AttestedOutput } from '../domain/attestation.ts';
import { HAS_CONTAINER } from '../domain/lifecycle.ts';
import { patchJob } from '../store/job-store.ts';

/** Records the outputs on the job; false when the job no longer holds this container. */
export const recordJobOutputs = (s: StoreCtx, jobId: string, containerId: string, outputs: AttestedOutput[]): Promise<boolean> =>
  patchJob(
    s,
    jobId,
    { outputs: outputs.map(({ artifactId, name, size, merkleRoot }) => ({ artifactId, name, size, merkleRoot })) },
    { statusIn: HAS_CONTAINER, containerIs: containerId },
  );

/** Why the sidecar failed the job (its artifact code); the first reason wins, a job already ending keeps its own. */
export const recordSidecarFailure = (s: StoreCtx, jobId: string, reason: string, nowMs: number): Promise<boolean> =>
  patchJob(s, jobId, { abortReason: reason, abortRequestedAtMs: nowMs }, { statusIn: HAS_CONTAINER, noAbortRequested: true });
