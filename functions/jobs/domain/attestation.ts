/**
 * Privacy attestations (seed 000 format). The body without `signature` is serialised as
 * RFC 8785 canonical JSON, hashed with SHA-256 and signed with the agent's secp256k1 key
 * (compact 64-byte signature, low-s, base64). Verification needs only the public key
 * (domain/verify.ts, kept apart so signing code does not carry the curve arithmetic).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalBytes } from '../../platform/canonical-json.ts';
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
}

export type Signed<T> = T & { signature: string };
export type CreationAttestation = Signed<CreationBody>;
export type DeletionAttestation = Signed<DeletionBody>;

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

/** The order of secp256k1's group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** True for a 64-byte compact r‖s signature with 0 < r < n and 0 < s ≤ n/2 (BIP 62 low-s). */
export function isLowS(compact: Uint8Array): boolean {
  if (compact.length !== 64) return false;
  const int = (b: Uint8Array) => b.reduce((v, x) => (v << 8n) | BigInt(x), 0n);
  const r = int(compact.subarray(0, 32));
  const s = int(compact.subarray(32));
  return r > 0n && r < SECP256K1_N && s > 0n && s <= SECP256K1_N / 2n;
}
