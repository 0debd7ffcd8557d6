/**
 * Offline verification of attestations (domain/attestation.ts): both signatures against
 * the registered public key, and the facts they must agree on.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { digestOf, fieldsExpected } from './attestation.ts';

/** Checks one signature over the body without `signature`; false on any malformed input. */
export function verifySignature(attestation: object, publicKeyHex: string): boolean {
  try {
    const att = attestation as Record<string, unknown>;
    if (typeof att.signature !== 'string') return false;
    const { signature, ...body } = att as { signature: string };
    const sig = new Uint8Array(Buffer.from(signature, 'base64'));
    if (sig.length !== 64 || Buffer.from(sig).toString('base64') !== signature) return false;
    return secp256k1.verify(sig, digestOf(body), hexToBytes(publicKeyHex), { prehash: false, lowS: true });
  } catch {
    return false;
  }
}

export interface VerifyInput {
  creation: object | null | undefined;
  deletion: object | null | undefined;
  /** The agent's registered public key (compressed hex). */
  publicKeyHex: string;
  expected: { jobId: string; jobHash?: string; containerId?: string; identity?: string; attestationHash?: string };
}

export interface VerifyResult {
  ok: boolean;
  /** Each failed check, as a fact. */
  problems: string[];
  lifetimeMs?: number;
}

const TIERS = new Set(['ephemeral-container', 'attested']);
const HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * Offline verification of a job's attestations: both signatures against the registered
 * public key, the job id, job hash and container id, and that deletion follows creation.
 */
export function verifyAttestations(input: VerifyInput): VerifyResult {
  const problems: string[] = [];
  const c = input.creation as Record<string, unknown> | null | undefined;
  const d = input.deletion as Record<string, unknown> | null | undefined;
  const { expected } = input;
  if (!c) problems.push('creation_missing');
  if (!d) problems.push('deletion_missing');
  if (c) {
    if (!fieldsExpected(c, 'creation')) problems.push('creation_fields_unexpected');
    if (c.type !== 'container:created') problems.push('creation_type_wrong');
    if (c.ephemeral !== true || !TIERS.has(String(c.privacyTier))) problems.push('creation_not_ephemeral');
    // An attested job whose gate never passed has no hash (it got no key); one that did carries a well-formed one.
    if ('attestationHash' in c && !HASH.test(String(c.attestationHash))) problems.push('creation_attestation_hash_malformed');
    if (c.jobId !== expected.jobId) problems.push('creation_job_id_mismatch');
    if (expected.jobHash !== undefined && c.jobHash !== expected.jobHash) problems.push('job_hash_mismatch');
    if (expected.containerId !== undefined && c.containerId !== expected.containerId) problems.push('creation_container_id_mismatch');
    if (expected.identity !== undefined && c.identity !== expected.identity) problems.push('identity_mismatch');
    if (!verifySignature(c, input.publicKeyHex)) problems.push('creation_signature_invalid');
  }
  if (expected.attestationHash !== undefined) {
    if (c && c.attestationHash !== expected.attestationHash) problems.push('creation_attestation_hash_mismatch');
    if (d && d.attestationHash !== expected.attestationHash) problems.push('deletion_attestation_hash_mismatch');
  }
  let lifetimeMs: number | undefined;
  if (d) {
    if (!fieldsExpected(d, 'deletion')) problems.push('deletion_fields_unexpected');
    if (d.type !== 'container:destroyed') problems.push('deletion_type_wrong');
    if (d.privacyAttestation !== true || !TIERS.has(String(d.privacyTier))) problems.push('deletion_not_privacy_attestation');
    if (d.jobId !== expected.jobId) problems.push('deletion_job_id_mismatch');
    if (expected.containerId !== undefined && d.containerId !== expected.containerId) problems.push('deletion_container_id_mismatch');
    if (!verifySignature(d, input.publicKeyHex)) problems.push('deletion_signature_invalid');
  }
  if (c && d) {
    if (c.containerId !== d.containerId) problems.push('container_id_differs');
    if (c.createdAt !== d.createdAt) problems.push('created_at_differs');
    if (c.privacyTier !== d.privacyTier) problems.push('privacy_tier_differs');
    if (c.attestationHash !== d.attestationHash) problems.push('attestation_hash_differs');
    const created = Date.parse(String(c.createdAt));
    const destroyed = Date.parse(String(d.destroyedAt));
    if (!Number.isFinite(created) || !Number.isFinite(destroyed)) problems.push('timestamp_invalid');
    else if (destroyed < created) problems.push('deletion_before_creation');
    else lifetimeMs = destroyed - created;
  }
  return { ok: problems.length === 0, problems, ...(lifetimeMs !== undefined ? { lifetimeMs } : {}) };
}
