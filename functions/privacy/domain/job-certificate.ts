/**
 * The job's TLS certificate (seed §7.3): issued by the platform CA at the handshake, once the
 * gate passed, for the ECDSA P-256 key the sidecar made inside the container (it proves
 * possession by signing the job id and the handshake's nonce; the private key never leaves
 * the container). SAN `*.job.internal` and the job's URI `urn:vracu:job:<id>`, server and
 * client auth, valid from the handshake to the job's deadline. The CA signs through a port
 * (a key file locally, KMS in the cloud), so its key is never in the function.
 * RFC 5280 profile; key identifiers are the first 160 bits of SHA-256 over the SPKI (RFC 7093 §2).
 */
import { createHash } from 'node:crypto';
import { bits, bool, explicit, implicit, octets, oid, seq, set, small, time, uint, utf8 } from './der-writer.ts';

/** The CA's key, wherever it lives: its SubjectPublicKeyInfo, and ECDSA-SHA256 signatures (DER Ecdsa-Sig-Value). */
export interface CaSigner {
  spki(): Promise<Uint8Array>;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export const JOB_DNS_NAME = '*.job.internal';
export const jobUri = (jobId: string): string => `urn:vracu:job:${jobId}`;
/** What the sidecar signs with its new key: bound to the job and to the nonce of this one handshake. */
export const possessionMessage = (jobId: string, nonceHex: string): Buffer => Buffer.from(`vracu job certificate\n${jobId}\n${nonceHex}`);

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const ORG = 'VR-ACU exchange';

const name = (commonName: string) => seq(set(seq(oid('2.5.4.10'), utf8(ORG))), set(seq(oid('2.5.4.3'), utf8(commonName))));
const keyId = (spki: Uint8Array) => createHash('sha256').update(spki).digest().subarray(0, 20);
const ext = (id: string, critical: boolean, value: Uint8Array) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

async function signed(signer: CaSigner, tbs: Uint8Array): Promise<Uint8Array> {
  return seq(tbs, ECDSA_SHA256, bits(await signer.sign(tbs)));
}

export interface Validity {
  notBeforeMs: number;
  notAfterMs: number;
  /** Positive, at most 20 bytes (RFC 5280 §4.1.2.2). */
  serial: Uint8Array;
}

/** The CA's own self-signed certificate (CA:true, pathLen 0, keyCertSign), DER. */
export async function caCertificate(signer: CaSigner, commonName: string, v: Validity): Promise<Uint8Array> {
  const spki = await signer.spki();
  const tbs = seq(
    explicit(0, small(2)),
    uint(v.serial),
    ECDSA_SHA256,
    name(commonName),
    seq(time(v.notBeforeMs), time(v.notAfterMs)),
    name(commonName),
    spki,
    explicit(
      3,
      seq(
        ext('2.5.29.19', true, seq(bool(true), small(0))),
        ext('2.5.29.15', true, bits(Uint8Array.of(0x06), 1)), // keyCertSign, cRLSign
        ext('2.5.29.14', false, octets(keyId(spki))),
      ),
    ),
  );
  return signed(signer, tbs);
}

/** A job's leaf certificate for `subjectSpki` (DER), issued by the CA named `caName` whose key `signer` holds. */
export async function jobCertificate(ca: { signer: CaSigner; name: string }, r: { jobId: string; subjectSpki: Uint8Array } & Validity): Promise<Uint8Array> {
  const caSpki = await ca.signer.spki();
  const tbs = seq(
    explicit(0, small(2)),
    uint(r.serial),
    ECDSA_SHA256,
    name(ca.name),
    seq(time(r.notBeforeMs), time(r.notAfterMs)),
    name(`job ${r.jobId}`),
    r.subjectSpki,
    explicit(
      3,
      seq(
        ext('2.5.29.19', true, seq()),
        ext('2.5.29.15', true, bits(Uint8Array.of(0x80), 7)), // digitalSignature
        ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))), // serverAuth, clientAuth
        ext('2.5.29.17', false, seq(implicit(2, Buffer.from(JOB_DNS_NAME)), implicit(6, Buffer.from(jobUri(r.jobId))))),
        ext('2.5.29.14', false, octets(keyId(r.subjectSpki))),
        ext('2.5.29.35', false, seq(implicit(0, keyId(caSpki)))),
      ),
    ),
  );
  return signed(ca.signer, tbs);
}

export const toPem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END CERTIFICATE-----\n`;

/** How the rotation acknowledgement names the certificate in use: SHA-256 of its DER. */
export const certificateFingerprint = (der: Uint8Array): string => `sha256:${createHash('sha256').update(der).digest('hex')}`;
