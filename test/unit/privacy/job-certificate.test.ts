/**
 * Job certificates as node:crypto's own X.509 parser and a real TLS handshake see them: the
 * CA certificate is a CA, the job certificate chains to it, carries the SAN and the job's URI,
 * is valid from the handshake to the deadline, and two jobs' certificates authenticate each
 * other over node:tls (client and server auth); a certificate of another CA does not.
 */
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { JobCa, KmsCaSigner, LocalCaSigner, newLocalCa } from '../../../functions/privacy/drivers/job-ca.ts';
import { certificateFingerprint } from '../../../functions/privacy/domain/job-certificate.ts';
import { oid, time, uint } from '../../../functions/privacy/domain/der-writer.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const JOB = 'job_01JBX0000000000000000000AA';

async function ca() {
  const made = await newLocalCa('VR-ACU job CA (test)', NOW);
  return { ...made, ca: await new JobCa(new LocalCaSigner(made.keyPem), made.certificatePem).check() };
}

function jobKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, spki: publicKey.export({ format: 'der', type: 'spki' }) };
}

describe('DER', () => {
  it('encodes OIDs, integers and times as X.690 says', () => {
    expect(Buffer.from(oid('1.2.840.10045.4.3.2')).toString('hex')).toBe('06082a8648ce3d040302');
    expect(Buffer.from(uint(Uint8Array.of(0x80))).toString('hex')).toBe('02020080');
    expect(Buffer.from(uint(Uint8Array.of(0, 0, 5))).toString('hex')).toBe('020105');
    expect(Buffer.from(time(Date.parse('2049-12-31T23:59:59Z'))).toString()).toContain('491231235959Z');
    expect(
      Buffer.from(time(Date.parse('2050-01-01T00:00:00Z')))
        .subarray(2)
        .toString(),
    ).toBe('20500101000000Z');
  });
});

describe('the job CA', () => {
  it('issues a certificate node:crypto parses and verifies against the CA, with the SAN, URI, usages and validity', async () => {
    const { ca: jobCa, certificatePem } = await ca();
    const caCert = new X509Certificate(certificatePem);
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    const k = jobKey();
    const deadline = NOW + 3_600_000;
    const issued = await jobCa.issue({ jobId: JOB, subjectSpki: k.spki, notBeforeMs: NOW - 60_000, notAfterMs: deadline });
    const cert = new X509Certificate(issued.certificatePem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe(`DNS:*.job.internal, URI:urn:vracu:job:${JOB}`);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(Date.parse(cert.validTo)).toBe(Math.floor(deadline / 1000) * 1000);
    expect(Date.parse(cert.validFrom)).toBe(NOW - 60_000);
    expect(cert.publicKey.export({ format: 'der', type: 'spki' }).equals(k.spki)).toBe(true);
    expect(cert.checkHost('a.job.internal')).toBe('*.job.internal');
    expect(cert.checkHost('a.job.example')).toBeUndefined();
    expect(issued.fingerprint).toBe(certificateFingerprint(cert.raw));
    expect(issued.fingerprint).toBe(`sha256:${cert.fingerprint256.replaceAll(':', '').toLowerCase()}`);
    // Another CA's key does not verify it.
    const other = await newLocalCa('other', NOW);
    expect(cert.verify(new X509Certificate(other.certificatePem).publicKey)).toBe(false);
  });

  it('a CA certificate that does not hold the signer’s key is refused at start', async () => {
    const a = await newLocalCa('a', NOW);
    const b = await newLocalCa('b', NOW);
    await expect(new JobCa(new LocalCaSigner(a.keyPem), b.certificatePem).check()).rejects.toThrow(/does not hold/);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() => new LocalCaSigner(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/P-256/);
  });

  it('two jobs’ certificates authenticate each other over node:tls; a certificate from another CA is refused', async () => {
    const { ca: jobCa, certificatePem } = await ca();
    // Valid now (the TLS stack checks against the real clock).
    const now = Date.now();
    const leaf = async () => {
      const k = jobKey();
      const c = await jobCa.issue({ jobId: JOB, subjectSpki: k.spki, notBeforeMs: now - 60_000, notAfterMs: now + 3_600_000 });
      return { key: k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), cert: c.certificatePem };
    };
    const server = await leaf();
    const client = await leaf();
    const srv = createServer({ ...server, ca: certificatePem, requestCert: true, rejectUnauthorized: true }, (s) => s.end('ok'));
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as AddressInfo).port;
    try {
      const talk = (opts: { key: string; cert: string; ca: string }) =>
        new Promise<{ authorized: boolean; error?: string; peerSan?: string }>((resolve) => {
          const s: TLSSocket = connect({ host: '127.0.0.1', port, servername: 'rank0.job.internal', ...opts, rejectUnauthorized: false }, () => {
            resolve({
              authorized: s.authorized,
              ...(s.authorizationError ? { error: String(s.authorizationError) } : {}),
              peerSan: s.getPeerX509Certificate()?.subjectAltName,
            });
            s.end();
          });
          s.on('error', (e) => resolve({ authorized: false, error: e.message }));
        });
      const ok = await talk({ ...client, ca: certificatePem });
      expect(ok).toMatchObject({ authorized: true, peerSan: `DNS:*.job.internal, URI:urn:vracu:job:${JOB}` });
      // A client trusting another CA does not authorize this server.
      const stranger = await newLocalCa('stranger', now);
      expect((await talk({ ...client, ca: stranger.certificatePem })).authorized).toBe(false);
    } finally {
      srv.close();
    }
  });
});

describe('the KMS signer', () => {
  it('asks GetPublicKey for an ECC_NIST_P256 key and signs RAW with ECDSA_SHA_256; its signatures make a certificate that verifies', async () => {
    // KMS has no local engine: the signer's requests are checked against the API's documented shapes, answered by a local key.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const local = new LocalCaSigner(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const kms = {
      send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: cmd.constructor.name, input: cmd.input });
        if (cmd.constructor.name === 'GetPublicKeyCommand') return { KeySpec: 'ECC_NIST_P256', PublicKey: publicKey.export({ format: 'der', type: 'spki' }) };
        return { Signature: await local.sign(cmd.input.Message as Uint8Array), SigningAlgorithm: 'ECDSA_SHA_256' };
      },
    };
    const signer = new KmsCaSigner(kms as never, 'alias/vracu-dev-job-ca');
    const { caCertificate, toPem } = await import('../../../functions/privacy/domain/job-certificate.ts');
    const caPem = toPem(await caCertificate(signer, 'VR-ACU job CA (kms)', { notBeforeMs: NOW, notAfterMs: NOW + 86_400_000, serial: Uint8Array.of(7) }));
    const jobCa = await new JobCa(signer, caPem).check();
    const issued = await jobCa.issue({ jobId: JOB, subjectSpki: jobKey().spki, notBeforeMs: NOW, notAfterMs: NOW + 3_600_000 });
    expect(new X509Certificate(issued.certificatePem).verify(publicKey)).toBe(true);
    expect(sent[0]).toEqual({ name: 'GetPublicKeyCommand', input: { KeyId: 'alias/vracu-dev-job-ca' } });
    expect(sent.filter((s) => s.name === 'SignCommand').every((s) => s.input.MessageType === 'RAW' && s.input.SigningAlgorithm === 'ECDSA_SHA_256')).toBe(true);
    expect(sent.filter((s) => s.name === 'GetPublicKeyCommand')).toHaveLength(1); // cached
    // A key of another spec is refused.
    const wrong = new KmsCaSigner({ send: async () => ({ KeySpec: 'RSA_2048', PublicKey: new Uint8Array(1) }) } as never, 'k');
    await expect(wrong.spki()).rejects.toThrow(/ECC_NIST_P256/);
  });
});

describe('the job CA configuration', () => {
  it('is a certificate and exactly one signer, or nothing; a key in the environment is refused on prod', async () => {
    const { loadPrivacyConfig } = await import('../../../functions/privacy/config.ts');
    const made = await newLocalCa('cfg', NOW);
    expect(loadPrivacyConfig({}, 'test').jobCa).toBeUndefined();
    expect(loadPrivacyConfig({ VRACU_JOB_CA_CERT: made.certificatePem, VRACU_JOB_CA_KEY: made.keyPem }, 'test').jobCa).toEqual({
      certificatePem: made.certificatePem,
      signer: { kind: 'local', keyPem: made.keyPem },
    });
    expect(
      loadPrivacyConfig(
        { VRACU_JOB_CA_CERT: made.certificatePem, VRACU_JOB_CA_KMS_KEY_ID: 'alias/ca', VRACU_KEY_BROKER: 'aws_kms', VRACU_KEY_BROKER_KMS_KEY_ID: 'k' },
        'prod',
      ).jobCa,
    ).toEqual({
      certificatePem: made.certificatePem,
      signer: { kind: 'kms', keyId: 'alias/ca' },
    });
    expect(() => loadPrivacyConfig({ VRACU_JOB_CA_KEY: made.keyPem }, 'test')).toThrow(/VRACU_JOB_CA_CERT: required/);
    expect(() => loadPrivacyConfig({ VRACU_JOB_CA_CERT: made.certificatePem }, 'test')).toThrow(/needs its signer/);
    expect(() => loadPrivacyConfig({ VRACU_JOB_CA_CERT: made.certificatePem, VRACU_JOB_CA_KEY: made.keyPem, VRACU_JOB_CA_KMS_KEY_ID: 'k' }, 'test')).toThrow(
      /one signer/,
    );
    expect(() =>
      loadPrivacyConfig(
        { VRACU_JOB_CA_CERT: made.certificatePem, VRACU_JOB_CA_KEY: made.keyPem, VRACU_KEY_BROKER: 'aws_kms', VRACU_KEY_BROKER_KMS_KEY_ID: 'k' },
        'prod',
      ),
    ).toThrow(/refused on a prod stage/);
  });
});
