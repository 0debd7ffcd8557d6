/**
 * The job's TLS bundle at the handshake (seed §7.3): the sidecar's new ECDSA P-256 public key
 * and its proof of possession (a signature over the job id and this handshake's nonce, so it
 * cannot be replayed into another handshake) are checked before anything is consumed; once
 * the gate passed, the platform CA issues the certificate, valid until the job's deadline.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Job } from '../../jobs/index.ts';
import { possessionMessage } from '../domain/job-certificate.ts';
import { privacyError } from '../errors.ts';
import type { PrivacyDeps } from '../deps.ts';

export interface TlsKeyInput {
  /** Base64 of the DER SubjectPublicKeyInfo. */
  publicKey: string;
  /** Base64 of the DER ECDSA-SHA256 signature over possessionMessage(jobId, nonce). */
  proof: string;
}

export interface JobTls {
  caCertificate: string;
  certificate: string;
  fingerprint: string;
  notAfter: string;
}

/** Clock skew the certificate allows for before the handshake. */
const BACKDATE_MS = 60_000;
/** A job without a deadline gets a day. */
const DEFAULT_LIFETIME_MS = 86_400_000;

/** The key's SPKI when it is a P-256 key whose proof verifies; tls_key_invalid otherwise. */
export function checkTlsKey(jobId: string, nonceHex: string, k: TlsKeyInput): Uint8Array {
  const spki = Buffer.from(k.publicKey, 'base64');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw privacyError('tls_key_invalid', 'tlsKey.publicKey is not a DER SubjectPublicKeyInfo');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw privacyError('tls_key_invalid', 'tlsKey.publicKey must be an ECDSA P-256 key');
  if (!verify('sha256', possessionMessage(jobId, nonceHex), key, Buffer.from(k.proof, 'base64')))
    throw privacyError('tls_key_invalid', 'tlsKey.proof does not verify: sign "vracu job certificate\\n<jobId>\\n<nonce>" with the key');
  return spki;
}

/** The bundle for the job, or undefined without a CA (or without a key from the sidecar). */
export async function issueJobTls(d: PrivacyDeps, job: Job, spki: Uint8Array | undefined, nowMs: number): Promise<JobTls | undefined> {
  if (!d.jobCa || !spki) return undefined;
  // The job's credential ends at its deadline; so does its certificate.
  const notAfterMs = job.deadlineMs ?? nowMs + DEFAULT_LIFETIME_MS;
  const issued = await d.jobCa.issue({ jobId: job.jobId, subjectSpki: spki, notBeforeMs: nowMs - BACKDATE_MS, notAfterMs });
  return { caCertificate: d.jobCa.certificatePem, certificate: issued.certificatePem, fingerprint: issued.fingerprint, notAfter: issued.notAfter };
}
