/**
 * The jobs context's face to other contexts: the job as it is recorded, its lifecycle's
 * statuses and events, and how to compose the context. Other contexts import from here only.
 */
export type { Job, Agent, JobResources, JobPrivacy, JobInputRef, AttesterName, PrivacyTier } from './domain/job.ts';
export { ATTESTER_NAMES, tierOf } from './domain/job.ts';
export { isTerminal, JOB_STATUSES, type JobStatus } from './domain/lifecycle.ts';
export type { GpuMinutes } from './domain/policy.ts';
export { JOB_STATE_CHANGED, JobStateChangedDetail } from '../../events/job-state-changed.ts';
export { composeJobs, jobsContext, type JobsDeps, type JobsInputs } from './deps.ts';
export { getJob } from './store/job-store.ts';
/** The privacy context's hooks into an attested job's lifecycle. */
export { confirmAttested, failAttestation, abortRevoked, type ConfirmResult } from './usecases/attested.ts';
export { credentialProblem, JOB_CREDENTIAL_PATTERN } from './usecases/credential.ts';
/** The artifacts context's hooks: outputs signed into the deletion attestation, a sidecar's artifact failure. */
export { recordJobOutputs, recordSidecarFailure } from './usecases/outputs.ts';
export type { AttestedOutput } from './domain/attestation.ts';
