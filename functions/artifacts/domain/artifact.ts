/**
 * An artifact: one sealed file (platform/crypto/sealed-file.ts) in the artifacts bucket, a
 * job's input (sealed by the buyer's CLI) or output (sealed by the job's sidecar). The
 * exchange keeps its ciphertext, size and Merkle root, and for an input the file key wrapped
 * under the key-wrapping port (KMS in the cloud) with a context naming the owner; for an output
 * the file key HPKE-sealed to the buyer's registered X25519 key. Never a plaintext key at rest.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalBytes } from '../../platform/canonical-json.ts';

/** `deleted`: an input its owner deleted (the object and the wrapped key gone, the record kept a while). */
export const ARTIFACT_STATES = ['pending', 'uploaded', 'deleted'] as const;
export type ArtifactState = (typeof ARTIFACT_STATES)[number];
/** What the API shows: a stored state, or `expired` for an output past its expiry (never stored). */
export const SHOWN_STATES = [...ARTIFACT_STATES, 'expired'] as const;
export type ShownState = (typeof SHOWN_STATES)[number];
export type ArtifactKind = 'input' | 'output';

export interface Artifact {
  artifactId: string;
  kind: ArtifactKind;
  tenant: string;
  ownerId: string;
  name: string;
  /** Sealed bytes (what S3 holds). */
  size: number;
  /** Hex SHA-256 Merkle root over the sealed records. */
  merkleRoot: string;
  state: ArtifactState;
  objectKey: string;
  createdAt: string;
  uploadedAt?: string;
  /** Inputs: the file key wrapped by the key-wrapping port (base64). */
  wrappedKey?: string;
  /** Inputs over the part size: the multipart upload that complete assembles. */
  uploadId?: string;
  /** Outputs: the job that wrote it and the file key HPKE-sealed to the buyer (base64). */
  jobId?: string;
  sealedKey?: string;
  /** Outputs: when the bucket's lifecycle rule deletes the object (recorded + the retention days). */
  expiresAt?: string;
  /** Inputs: when the owner deleted it. */
  deletedAt?: string;
}

const DAY_MS = 86_400_000;

/**
 * Days a record outlives what it describes before DynamoDB's TTL removes it: an expired output
 * (listed as `expired`), a deleted input (listed as `deleted`), a job's output grant.
 */
export const RECORD_KEPT_DAYS = 30;

/** The TTL (epoch seconds) of a record kept RECORD_KEPT_DAYS after `endMs`. */
export const recordTtlSec = (endMs: number): number => Math.floor((endMs + RECORD_KEPT_DAYS * DAY_MS) / 1000);

/**
 * When an output recorded at `uploadedMs` expires. S3 runs a lifecycle expiration at the
 * midnight UTC after the object is that many days old, so the record expires no later than
 * its object: a download is refused before S3 could refuse it.
 */
export const outputExpiryMs = (uploadedMs: number, days: number): number => uploadedMs + days * DAY_MS;

/** How an artifact shows at `nowMs`: an output past its expiry is `expired`. */
export const shownState = (a: Pick<Artifact, 'state' | 'expiresAt'>, nowMs: number): ShownState =>
  a.expiresAt && Date.parse(a.expiresAt) <= nowMs ? 'expired' : a.state;

/** A job's input as its spec names it. */
export interface JobInput {
  name: string;
  artifactId: string;
}

/**
 * The bucket's top-level prefix of each kind: the cloud's lifecycle rules (outputs expire) and
 * IAM grants (lib/constructs/artifacts-bucket.ts) name these, and nothing else.
 */
export const OBJECT_PREFIXES: Readonly<Record<ArtifactKind, string>> = { input: 'inputs/', output: 'outputs/' };

/** Where an artifact's object lives: inputs by owner, outputs by job (one prefix per job for lifecycle rules). */
export const inputObjectKey = (tenant: string, artifactId: string): string => `${OBJECT_PREFIXES.input}${tenant}/${artifactId}`;
export const outputObjectKey = (jobId: string, artifactId: string): string => `${OBJECT_PREFIXES.output}${jobId}/${artifactId}`;

/** A job's one report, named by the set of output ids it records (order and repeats aside): the same report may come again, no other. */
export const outputReportKey = (artifactIds: readonly string[]): string => [...new Set(artifactIds)].sort().join(',');

/** The context member naming what a wrapped key is for; the cloud's KMS grants are conditioned on it. */
export const KEY_PURPOSE = 'vracu:purpose';
/** Its value per context: an input's file key as its owner wrapped it, and as it was released to a job. */
export const KEY_PURPOSES = { input: 'artifact-input', release: 'artifact-release' } as const;

/**
 * The encryption context an input's file key is wrapped under (KMS EncryptionContext; the
 * local wrapper binds it as AAD). Not secret: it appears in CloudTrail. Keys are exact and
 * case-sensitive; Decrypt needs the same map.
 */
export const inputKeyContext = (a: { tenant: string; artifactId: string }): Record<string, string> => ({
  [KEY_PURPOSE]: KEY_PURPOSES.input,
  'vracu:tenant': a.tenant,
  'vracu:artifact': a.artifactId,
});

/** The context a released key is re-wrapped under in its release record: the job and the attestation the gate checked. */
export const releaseKeyContext = (a: { tenant: string; artifactId: string }, jobId: string, attestationHash: string): Record<string, string> => ({
  [KEY_PURPOSE]: KEY_PURPOSES.release,
  'vracu:tenant': a.tenant,
  'vracu:artifact': a.artifactId,
  'vracu:job': jobId,
  'vracu:attestation': attestationHash,
});

/** Output names become file names in the buyer's download dir: one path segment, no tricks. */
export const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The hash a plain job's inputs are released under (it passed no gate): the plain ephemeral
 * tier bound to this job and its job hash, so the release record and its KMS context still name
 * exactly what was run. `sha256:` and hex of SHA-256 over the RFC 8785 canonical JSON.
 */
export const plainTierHash = (job: { jobId: string; jobHash: string }): string =>
  `sha256:${bytesToHex(sha256(canonicalBytes({ jobHash: job.jobHash, jobId: job.jobId, privacyTier: 'ephemeral-container' })))}`;
