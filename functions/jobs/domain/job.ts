/** The job record as the jobs context sees it (the store maps it to and from DynamoDB). */
import type { AttestedOutput, CreationAttestation, DeletionAttestation } from './attestation.ts';
import type { JobStatus } from './lifecycle.ts';
import type { ExecutionPlan, ResourceProfile } from './plan.ts';
import type { GpuMinutes } from './policy.ts';
import type { Placement } from './placement.ts';
import type { JobBill } from './bill.ts';

import type { JobPrivacy } from './privacy.ts';

export { ATTESTER_NAMES, tierOf, type AttesterName, type JobPrivacy, type PrivacyTier } from './privacy.ts';

/** `none`: no network at all; `exchange`: egress only to the exchange API. */
export type NetworkMode = 'none' | 'exchange';

export interface JobInputRef {
  name: string;
  artifactId: string;
}

export interface JobResources {
  cpuUnits: number;
  memoryMb: number;
  timeoutMs: number;
  network: NetworkMode;
}

export interface Job {
  jobId: string;
  tenant: string;
  ownerId: string;
  adapter: string;
  spec: Record<string, unknown>;
  /** Sealed artifacts the sidecar decrypts into the work dir after the handshake (functions/artifacts). */
  inputs?: JobInputRef[];
  profile: ResourceProfile;
  plan: ExecutionPlan;
  resources: JobResources;
  /** The quota weight (domain/policy.ts). */
  gpuMinutes: GpuMinutes;
  jobHash: string;
  /** Set for attested jobs only. */
  privacy?: JobPrivacy;
  /** SHA-256 (hex) of the job credential minted at launch (every job's sidecar gets one: privacy routes for attested jobs, artifacts routes for all); the secret itself is never stored. */
  credentialHash?: string;
  /** The attestation hash the privacy gate accepted (attested jobs, from the handshake on). */
  attestationHash?: string;
  /** The outputs the sidecar sealed and the artifacts context recorded (signed into the deletion attestation). */
  outputs?: AttestedOutput[];
  status: JobStatus;
  reason?: string;
  createdAt: string;
  updatedAtMs: number;
  /** Set when an agent is claimed: the run must end by then. */
  deadlineMs?: number;
  agentId?: string;
  identity?: string;
  claimedAtMs?: number;
  releasedAtMs?: number;
  launchStartedAtMs?: number;
  containerId?: string;
  taskVersion?: number;
  abortReason?: string;
  abortRequestedAtMs?: number;
  exitCode?: number | null;
  endedAt?: string;
  creation?: CreationAttestation;
  deletion?: DeletionAttestation;
  /** The provider the job was placed on (domain/placement.ts), and the decision. */
  providerId?: string;
  placement?: Placement;
  /** What the job's end was billed (domain/bill.ts); absent until billed, or when not billable. */
  bill?: JobBill;
}

/** What the job hash covers: everything the buyer asked for and the exchange derived from it. */
export const jobDocument = (j: Pick<Job, 'jobId' | 'adapter' | 'spec' | 'profile' | 'plan' | 'resources' | 'privacy' | 'inputs'>) => ({
  jobId: j.jobId,
  adapter: j.adapter,
  spec: j.spec,
  // Named inputs are part of what the buyer asked for; a job without any hashes as before.
  ...(j.inputs?.length ? { inputs: j.inputs } : {}),
  profile: j.profile,
  plan: j.plan,
  resources: j.resources,
  // Only attested jobs carry it, so the hash of every other job stays what it was.
  ...(j.privacy ? { privacy: j.privacy } : {}),
});

export interface Agent {
  name: string;
  identity: string;
  publicKey: string;
  kmsKeyId?: string;
  ownerId: string;
  tenant: string;
  registeredAt: string;
  jobId?: string;
  leaseUntilMs?: number;
}
