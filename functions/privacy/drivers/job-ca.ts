/**
 * The platform CA that issues job certificates (domain/job-certificate.ts): its certificate
 * and a signer for its key. `local`: a P-256 key given as PKCS#8 PEM (the local stack keeps
 * one 0600 in its data dir, with its self-signed certificate). `kms`: an asymmetric KMS key of
 * spec ECC_NIST_P256, Sign with MessageType RAW and ECDSA_SHA_256 (KMS hashes; it answers the
 * DER signature the certificate carries), the CA certificate given as PEM.
 */
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { KmsSigningKey, type KmsSend } from '../../platform/crypto/kms-key.ts';
import { caCertificate, certificateFingerprint, jobCertificate, toPem, type CaSigner } from '../domain/job-certificate.ts';

export class LocalCaSigner implements CaSigner {
  private readonly key: KeyObject;
  constructor(privateKeyPem: string) {
    this.key = createPrivateKey(privateKeyPem);
    if (this.key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('the job CA key must be an ECDSA P-256 key');
  }
  async spki(): Promise<Uint8Array> {
    return createPublicKey(this.key).export({ format: 'der', type: 'spki' });
  }
  async sign(data: Uint8Array): Promise<Uint8Array> {
    return sign('sha256', data, this.key);
  }
}

export class KmsCaSigner implements CaSigner {
  private readonly key: KmsSigningKey;
  constructor(
    kms: KmsSend,
    readonly keyId: string,
  ) {
    this.key = new KmsSigningKey(kms, keyId, 'ECC_NIST_P256', 'the job CA');
  }
  spki(): Promise<Uint8Array> {
    return this.key.publicKey();
  }
  sign(data: Uint8Array): Promise<Uint8Array> {
    // RAW messages up to 4,096 bytes: a job certificate's TBS is well under 1 KB.
    return this.key.sign(data, 'RAW');
  }
}

export interface IssuedCertificate {
  certificatePem: string;
  fingerprint: string;
  notAfter: string;
}

export class JobCa {
  readonly certificatePem: string;
  private readonly name: string;
  private checked: Promise<unknown> | undefined;
  constructor(
    private readonly signer: CaSigner,
    certificatePem: string,
  ) {
    const cert = new X509Certificate(certificatePem);
    if (!cert.ca) throw new Error('the job CA certificate is not a CA certificate');
    this.certificatePem = cert.toString();
    const cn = /CN=([^\n]+)/.exec(cert.subject)?.[1];
    if (!cn) throw new Error('the job CA certificate has no common name');
    this.name = cn;
  }

  /** Checks the CA certificate holds the signer's key (a mismatch fails at start, not at the first job). */
  async check(): Promise<this> {
    const spki = Buffer.from(await this.signer.spki());
    const certSpki = new X509Certificate(this.certificatePem).publicKey.export({ format: 'der', type: 'spki' });
    if (!spki.equals(certSpki)) throw new Error('the job CA certificate does not hold the CA signer’s public key');
    return this;
  }

  /** Issues after the first check of the certificate against the signer (a KMS key is read once). */
  async issue(r: { jobId: string; subjectSpki: Uint8Array; notBeforeMs: number; notAfterMs: number }): Promise<IssuedCertificate> {
    this.checked ??= this.check().catch((e: unknown) => {
      this.checked = undefined;
      throw e;
    });
    await this.checked;
    const der = await jobCertificate({ signer: this.signer, name: this.name }, { ...r, serial: randomSerial() });
    return { certificatePem: toPem(der), fingerprint: certificateFingerprint(der), notAfter: new Date(Math.floor(r.notAfterMs / 1000) * 1000).toISOString() };
  }
}

const randomSerial = (): Uint8Array => {
  const s = randomBytes(16);
  s[0] = s[0]! & 0x7f; // positive
  s[0] = s[0]! | 0x01; // and 16 bytes long
  return s;
};

/** A new CA on a fresh P-256 key (the local stack's, kept in its data dir): the key PEM and the self-signed certificate PEM. */
export async function newLocalCa(commonName: string, nowMs: number, years = 10): Promise<{ keyPem: string; certificatePem: string }> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const der = await caCertificate(new LocalCaSigner(keyPem), commonName, {
    notBeforeMs: nowMs - 60_000,
    notAfterMs: nowMs + years * 365 * 86_400_000,
    serial: randomSerial(),
  });
  return { keyPem, certificatePem: toPem(der) };
}
