/**
 * The loopback KMS-compatible service with the real SDK (awsJson1.1 over HTTP): data keys
 * decrypt only under the key and encryption context they were made with, as KMS promises;
 * and the aws_kms broker's real code path runs against it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { startLoopbackKms, type LoopbackKms } from '../../../local/kms/loopback.ts';
import { KmsBroker } from '../../../functions/privacy/drivers/kms-broker.ts';

let kms: LoopbackKms;
let client: KMSClient;
beforeAll(async () => {
  kms = await startLoopbackKms();
  client = new KMSClient({ region: 'us-east-1', endpoint: kms.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await kms.close();
});

const ctx = { jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F', attestationHash: `sha256:${'a'.repeat(64)}` };

describe('loopback KMS', () => {
  it('GenerateDataKey → Decrypt with the same context gives the key back', async () => {
    const g = await client.send(new GenerateDataKeyCommand({ KeyId: 'alias/vracu-local-jobs', KeySpec: 'AES_256', EncryptionContext: ctx }));
    expect(g.Plaintext).toHaveLength(32);
    expect(g.KeyId).toBe('arn:aws:kms:us-east-1:000000000000:alias/vracu-local-jobs');
    const d = await client.send(new DecryptCommand({ CiphertextBlob: g.CiphertextBlob, EncryptionContext: ctx }));
    expect(Buffer.from(d.Plaintext!).equals(Buffer.from(g.Plaintext!))).toBe(true);
  });
  it.each([
    ['another attestation hash', { ...ctx, attestationHash: `sha256:${'b'.repeat(64)}` }],
    ['another job', { ...ctx, jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3G' }],
    ['no context', undefined],
  ])('Decrypt under %s → InvalidCiphertextException', async (_n, other) => {
    const g = await client.send(new GenerateDataKeyCommand({ KeyId: 'alias/vracu-local-jobs', KeySpec: 'AES_256', EncryptionContext: ctx }));
    await expect(client.send(new DecryptCommand({ CiphertextBlob: g.CiphertextBlob, ...(other ? { EncryptionContext: other } : {}) }))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });
  it('a tampered ciphertext → InvalidCiphertextException; another key → IncorrectKeyException', async () => {
    const g = await client.send(new GenerateDataKeyCommand({ KeyId: 'alias/a', KeySpec: 'AES_256', EncryptionContext: ctx }));
    const t = Uint8Array.from(g.CiphertextBlob!);
    t[t.length - 1]! ^= 1;
    await expect(client.send(new DecryptCommand({ CiphertextBlob: t, EncryptionContext: ctx }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(client.send(new DecryptCommand({ CiphertextBlob: g.CiphertextBlob, EncryptionContext: ctx, KeyId: 'alias/b' }))).rejects.toMatchObject({
      name: 'IncorrectKeyException',
    });
  });
  it('the aws_kms broker runs its real SDK path against it, with the documented request', async () => {
    const before = kms.requests.length;
    const key = await new KmsBroker(client, 'alias/vracu-local-jobs').dataKey({ ...ctx, sessionId: 'ses_x', saltHex: '00', step: 1 });
    expect(key.plaintext).toHaveLength(32);
    expect(kms.requests.slice(before)).toEqual([
      { target: 'TrentService.GenerateDataKey', body: { KeyId: 'alias/vracu-local-jobs', KeySpec: 'AES_256', EncryptionContext: ctx } },
    ]);
  });
});

describe('loopback KMS signing keys', () => {
  it.each(['ECC_SECG_P256K1', 'ECC_NIST_P256'] as const)(
    '%s: the SubjectPublicKeyInfo verifies its RAW and DIGEST signatures (node:crypto as the verifier)',
    async (spec) => {
      const made = await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }));
      const keyId = made.KeyMetadata!.Arn!;
      const pub = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
      expect([pub.KeySpec, pub.KeyUsage, pub.SigningAlgorithms]).toEqual([spec, 'SIGN_VERIFY', ['ECDSA_SHA_256']]);
      const key = createPublicKey({ key: Buffer.from(pub.PublicKey!), format: 'der', type: 'spki' });
      const message = Buffer.from('a job certificate to be');
      const raw = await client.send(new SignCommand({ KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
      expect(verify('sha256', message, key, Buffer.from(raw.Signature!))).toBe(true);
      const digest = createHash('sha256').update(message).digest();
      const dig = await client.send(new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
      expect(verify('sha256', message, key, Buffer.from(dig.Signature!))).toBe(true);
      expect(verify('sha256', Buffer.from('another'), key, Buffer.from(dig.Signature!))).toBe(false);
    },
  );

  it('refuses what KMS refuses: an unknown key, a 31-byte digest, another algorithm, a data key from a signing key', async () => {
    const keyId = (await client.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
    const sign = (input: Partial<SignCommandInput>) =>
      client.send(new SignCommand({ KeyId: keyId, Message: new Uint8Array(32), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256', ...input }));
    await expect(sign({ KeyId: 'alias/never-made' })).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(sign({ Message: new Uint8Array(31) })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(sign({ SigningAlgorithm: 'ECDSA_SHA_384' })).rejects.toMatchObject({ name: 'InvalidKeyUsageException' });
    await expect(client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }))).rejects.toMatchObject({ name: 'InvalidKeyUsageException' });
    await expect(client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('a handshake with the aws_kms broker on the loopback service', () => {
  it('releases KMS data keys bound to the job and attestation hash', async () => {
    const { privacyHarness } = await import('./harness.ts');
    const api = await import('../../../functions/privacy/api.ts');
    const { developmentEvidence } = await import('../../../functions/privacy/domain/development.ts');
    const ph = await privacyHarness({ broker: new KmsBroker(client, 'alias/vracu-local-jobs') });
    try {
      const before = kms.requests.length;
      const { jobId, credential } = await ph.attesting();
      const nonce = (await ph.call(api.nonceRoute, { params: { id: jobId }, credential, body: {} })).body!.nonce as string;
      const hs = await ph.call(api.handshakeRoute, {
        params: { id: jobId },
        credential,
        body: { nonce, evidence: { development: developmentEvidence(jobId, Buffer.from(nonce, 'hex')) } },
      });
      expect(hs.status).toBe(200);
      expect(Buffer.from(hs.body!.dek, 'base64')).toHaveLength(32);
      expect(kms.requests.slice(before)).toEqual([
        {
          target: 'TrentService.GenerateDataKey',
          body: { KeyId: 'alias/vracu-local-jobs', KeySpec: 'AES_256', EncryptionContext: { jobId, attestationHash: hs.body!.attestationHash } },
        },
      ]);
      const view = await ph.call(api.privacyGetRoute, { params: { id: jobId }, principal: (await import('./harness.ts')).alice });
      expect(view.body!.releases).toEqual([expect.objectContaining({ step: 0, broker: 'aws_kms' })]);
    } finally {
      await ph.close();
    }
  });
});
