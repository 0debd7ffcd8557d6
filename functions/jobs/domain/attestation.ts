/**
 * Privacy attestations (seed 000 format). The body without `signature` is serialised as
 * RFC 8785 canonical JSON, hashed with SHA-256 and signed with the agent's secp256k1 key
 * (compact 64-byte signature, low-s, base64). Verification needs only the public key
 * (domain/verify.ts, kept apart so signing code does not carry the curve arithmetic).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalBytes } from '../../platform/canonical-json.ts';
import { SECP256K1_N } from '../../platform/crypto/secp256k1-der.ts';
import type { PrivacyTier } from './privacy.ts';

export interface CreationBody {
  type: 'container:created';
  jobId: string;
  containerId: string;
  agentId: string;
  identity: string;
  createdAt: string;
  jobHash: string;
  ephemeral: true;
  privacyTier: PrivacyTier;
  /** Attested jobs: the hash of the claims the privacy gate accepted (what the keys are bound to). */
  attestationHash?: string;
}

export interface DeletionBody {
  type: 'container:destroyed';
  jobId: string;
  containerId: string;
  createdAt: string;
  destroyedAt: string;
  dataVolumes: string[];
  deletionMethod: string;
  exitCode: number | null;
  stopReason: string;
  privacyAttestation: true;
  privacyTier: PrivacyTier;
  /** Attested jobs that passed the gate: the same hash as the creation's. */
  attestationHash?: string;
  /** What left the container: each output's name, sealed size and Merkle root (docs/artifacts.md); absent when there were none. */
  outputs?: AttestedOutput[];
}

/** One output the sidecar sealed and uploaded, as the deletion attestation commits to it. */
export interface AttestedOutput {
  artifactId: string;
  name: string;
  /** Sealed bytes. */
  size: number;
  /** RFC 6962 root over the sealed records, lowercase hex. */
  merkleRoot: string;
}

export type Signed<T> = T & { signature: string };
export type CreationAttestation = Signed<CreationBody>;
export type DeletionAttestation = Signed<DeletionBody>;

/**
 * Every field each signed attestation may carry: the one list `vap-dispatcher verify`
 * (domain/verify.ts) and the console's proof verifier (console/src/proofs/verify.ts) check
 * against. The `satisfies` clauses and the Exhaustive checks below make a field added to
 * CreationBody or DeletionBody without listing it here a compile error.
 */
export const CREATION_FIELDS = [
  'agentId',
  'containerId',
  'createdAt',
  'ephemeral',
  'identity',
  'jobHash',
  'jobId',
  'privacyTier',
  'signature',
  'type',
] as const satisfies readonly (keyof CreationAttestation)[];
export const DELETION_FIELDS = [
  'containerId',
  'createdAt',
  'dataVolumes',
  'deletionMethod',
  'destroyedAt',
  'exitCode',
  'jobId',
  'privacyAttestation',
  'privacyTier',
  'signature',
  'stopReason',
  'type',
] as const satisfies readonly (keyof DeletionAttestation)[];
/** Only on an attested job whose gate passed (both attestations). */
export const ATTESTED_FIELDS = ['attestationHash'] as const satisfies readonly (keyof CreationAttestation & keyof DeletionAttestation)[];
/** Only on a deletion whose job had outputs (any tier). */
export const OUTPUT_FIELDS = ['outputs'] as const satisfies readonly (keyof DeletionAttestation)[];
type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const _creationListed: Exhaustive<keyof CreationAttestation, (typeof CREATION_FIELDS)[number] | (typeof ATTESTED_FIELDS)[number]> = true;
const _deletionListed: Exhaustive<
  keyof DeletionAttestation,
  (typeof DELETION_FIELDS)[number] | (typeof ATTESTED_FIELDS)[number] | (typeof OUTPUT_FIELDS)[number]
> = true;
void _creationListed;
void _deletionListed;

const HEX64 = /^[0-9a-f]{64}$/;
const OUTPUT_KEYS = 'artifactId,merkleRoot,name,size';

/** A well-formed `outputs` list: non-empty, each entry exactly {artifactId, name, size, merkleRoot}. */
export function outputsWellFormed(v: unknown): v is AttestedOutput[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (o) =>
        typeof o === 'object' &&
        o !== null &&
        Object.keys(o).sort().join(',') === OUTPUT_KEYS &&
        typeof o.artifactId === 'string' &&
        typeof o.name === 'string' &&
        Number.isSafeInteger(o.size) &&
        o.size >= 0 &&
        typeof o.merkleRoot === 'string' &&
        HEX64.test(o.merkleRoot),
    )
  );
}

/**
 * True when the attestation carries exactly its fields: the required ones, `attestationHash`
 * only where the tier is attested, `outputs` (well formed) only on a deletion.
 */
export function fieldsExpected(att: Record<string, unknown>, kind: 'creation' | 'deletion'): boolean {
  const required: readonly string[] = kind === 'creation' ? CREATION_FIELDS : DELETION_FIELDS;
  const optional: string[] = [];
  if (att.privacyTier === 'attested') optional.push(...ATTESTED_FIELDS);
  if (kind === 'deletion') optional.push(...OUTPUT_FIELDS);
  if (kind === 'deletion' && 'outputs' in att && !outputsWellFormed(att.outputs)) return false;
  const keys = Object.keys(att).filter((k) => !optional.includes(k));
  return keys.sort().join(',') === [...required].sort().join(',');
}

/** The signing port: a local key file or a KMS key. Returns a compact, low-s signature. */
export interface Signer {
  /** Compressed SEC1 public key (33 bytes). */
  publicKey(): Promise<Uint8Array>;
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
}

/** `sha256:<hex>` of the canonical job document (what the buyer can recompute). */
export const jobHash = (jobDocument: unknown): string => `sha256:${bytesToHex(sha256(canonicalBytes(jobDocument)))}`;

export const digestOf = (body: object): Uint8Array => sha256(canonicalBytes(body));

export async function sign<T extends CreationBody | DeletionBody>(body: T, signer: Signer): Promise<Signed<T>> {
  const sig = await signer.signDigest(digestOf(body));
  if (!isLowS(sig)) throw new Error('signer returned a malformed or high-s signature');
  return { ...body, signature: Buffer.from(sig).toString('base64') };
}

/** True for a 64-byte compact r‖s signature with 0 < r < n and 0 < s ≤ n/2 (BIP 62 low-s). */
export function isLowS(compact: Uint8Array): boolean {
  if (compact.length !== 64) return false;
  const int = (b: Uint8Array) => b.reduce((v, x) => (v << 8n) | BigInt(x), 0n);
  const r = int(compact.subarray(0, 32));
  const s = int(compact.subarray(32));
  return r > 0n && r < SECP256K1_N && s > 0n && s <= SECP256K1_N / 2n;
}
