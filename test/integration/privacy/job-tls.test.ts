/**
 * The job certificate at the handshake, through the privacy handlers on the real engines: the
 * sidecar's P-256 key with its proof of possession gets a certificate from the platform CA
 * (for this job, until its deadline), the session remembers it, and a rotation acknowledged
 * with another certificate is refused. A key of another curve, a proof over another nonce or by
 * another key, bytes that are no key: 400 tls_key_invalid, and the nonce is still unspent.
 */
import { X509Certificate, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../../functions/privacy/api.ts';
import { developmentEvidence } from '../../../functions/privacy/domain/development.ts';
import { possessionMessage } from '../../../functions/privacy/domain/job-certificate.ts';
import { newLocalCa } from '../../../functions/privacy/drivers/job-ca.ts';
import { sessionOfJob } from '../../../functions/privacy/store/sessions.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { attestedJob, privacyHarness, type PrivacyHarness } from './harness.ts';

let ph: PrivacyHarness;
let caPem: string;
beforeAll(async () => {
  const ca = await newLocalCa('VR-ACU job CA (test)', Date.now());
  caPem = ca.certificatePem;
  ph = await privacyHarness({ config: { jobCa: { certificatePem: ca.certificatePem, signer: { kind: 'local', keyPem: ca.keyPem } } } });
}, 60_000);
afterAll(async () => ph?.close());

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const tlsKey = (jobId: string, nonce: string, pub: KeyObject, priv: KeyObject) => ({
  publicKey: pub.export({ format: 'der', type: 'spki' }).toString('base64'),
  proof: sign('sha256', possessionMessage(jobId, nonce), priv).toString('base64'),
});

async function start() {
  // A short workload: the harness's four agents serve every case in turn.
  const { jobId, credential } = await ph.attesting(attestedJob('sleep 1'));
  const nonce = (await ph.call(api.nonceRoute, { params: { id: jobId }, credential, body: {} })).body!.nonce as string;
  const handshake = (body: Record<string, unknown>) =>
    ph.call(api.handshakeRoute, {
      params: { id: jobId },
      credential,
      body: { nonce, evidence: { development: developmentEvidence(jobId, Buffer.from(nonce, 'hex')) }, ...body },
    });
  return { jobId, credential, nonce, handshake };
}

describe('the job certificate', () => {
  it('is issued for the sidecar’s key, for this job, until its deadline; acknowledgements must name it', async () => {
    const { jobId, credential, nonce, handshake } = await start();
    const k = p256();
    const hs = await handshake({ tlsKey: tlsKey(jobId, nonce, k.publicKey, k.privateKey) });
    expect(hs.status).toBe(200);
    const tls = hs.body!.tls;
    expect(tls.caCertificate).toBe(new X509Certificate(caPem).toString());
    const cert = new X509Certificate(tls.certificate);
    expect(cert.verify(new X509Certificate(caPem).publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe(`DNS:*.job.internal, URI:urn:vracu:job:${jobId}`);
    expect(cert.publicKey.export({ format: 'der', type: 'spki' }).equals(k.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
    const job = (await getJob(ph.h.d.store, jobId))!;
    expect(Date.parse(cert.validTo)).toBe(Math.floor(job.deadlineMs! / 1000) * 1000);
    expect(tls.fingerprint).toBe(`sha256:${cert.fingerprint256.replaceAll(':', '').toLowerCase()}`);
    expect((await sessionOfJob(ph.p.sessions, jobId))!.issuedFingerprint).toBe(tls.fingerprint);

    const ack = (fp: string) => ph.call(api.rotationRoute, { params: { id: jobId }, credential, body: { step: 0, certificateFingerprint: fp } });
    const wrong = await ack(`sha256:${'0'.repeat(64)}`);
    expect([wrong.status, wrong.body!.code]).toEqual([409, 'certificate_mismatch']);
    expect((await sessionOfJob(ph.p.sessions, jobId))!.ackedStep).toBeUndefined();
    expect((await ack(tls.fingerprint)).status).toBe(200);
  });

  it.each([
    [
      'a P-384 key',
      (jobId: string, nonce: string) => {
        const k = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
        return tlsKey(jobId, nonce, k.publicKey, k.privateKey);
      },
    ],
    [
      'a proof over another nonce',
      (jobId: string) => {
        const k = p256();
        return tlsKey(jobId, 'ab'.repeat(16), k.publicKey, k.privateKey);
      },
    ],
    [
      'a proof by another key',
      (jobId: string, nonce: string) => {
        const k = p256();
        return { ...tlsKey(jobId, nonce, k.publicKey, k.privateKey), proof: tlsKey(jobId, nonce, p256().publicKey, p256().privateKey).proof };
      },
    ],
    ['bytes that are no key', () => ({ publicKey: Buffer.from('not a key').toString('base64'), proof: 'AA==' })],
  ])('%s → 400 tls_key_invalid, the nonce unspent', async (_what, make) => {
    const { jobId, nonce, handshake } = await start();
    const bad = await handshake({ tlsKey: make(jobId, nonce) });
    expect([bad.status, bad.body!.code]).toEqual([400, 'tls_key_invalid']);
    expect((await getJob(ph.h.d.store, jobId))!.status).toBe('ATTESTING');
    // The same nonce still opens the session.
    const k = p256();
    expect((await handshake({ tlsKey: tlsKey(jobId, nonce, k.publicKey, k.privateKey) })).status).toBe(200);
  });
});
