/**
 * The key-wrapping port's adapters. The local one is real AES-256-GCM with the context as
 * AAD. The KMS one runs through the real KMSClient (its awsJson1.1 serializer), with a request
 * handler that records the HTTP request and answers as KMS documents (Encrypt, Decrypt,
 * InvalidCiphertextException): the request shapes are checked against the KMS API reference.
 */
import { describe, expect, it } from 'vitest';
import { KMSClient } from '@aws-sdk/client-kms';
import { Readable } from 'node:stream';
import { LocalKeyWrapper } from '../../../functions/artifacts/drivers/local-key-wrapper.ts';
import { KmsKeyWrapper } from '../../../functions/artifacts/drivers/kms-key-wrapper.ts';
import { KeyUnwrapError } from '../../../functions/artifacts/drivers/key-wrapper.ts';
import { inputKeyContext, releaseKeyContext } from '../../../functions/artifacts/domain/artifact.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';

const prng = seededPrng(11);
const random = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(prng() * 256));
const ctx = inputKeyContext({ tenant: 't1', artifactId: 'art_01' });

describe('LocalKeyWrapper (AES-256-GCM, context as AAD)', () => {
  const w = new LocalKeyWrapper(random(32), random);
  const secret = random(32);

  it('round-trips, whatever the order of the context members', async () => {
    const blob = await w.wrap(secret, ctx);
    expect(blob.length).toBe(1 + 12 + 32 + 16);
    expect(Buffer.from(blob).includes(Buffer.from(secret))).toBe(false);
    const reordered = Object.fromEntries(Object.entries(ctx).reverse());
    expect(Buffer.from(await w.unwrap(blob, reordered)).equals(Buffer.from(secret))).toBe(true);
  });

  it('refuses another context (changed, added or missing member), a flipped bit, another master key', async () => {
    const blob = await w.wrap(secret, ctx);
    await expect(w.unwrap(blob, { ...ctx, 'vracu:tenant': 't2' })).rejects.toThrow(KeyUnwrapError);
    await expect(w.unwrap(blob, { ...ctx, extra: 'x' })).rejects.toThrow(KeyUnwrapError);
    const { ['vracu:artifact']: _gone, ...missing } = ctx;
    await expect(w.unwrap(blob, missing)).rejects.toThrow(KeyUnwrapError);
    await expect(w.unwrap(blob, releaseKeyContext({ tenant: 't1', artifactId: 'art_01' }, 'job_1', 'aa'))).rejects.toThrow(KeyUnwrapError);
    const bad = Buffer.from(blob);
    bad[20]! ^= 1;
    await expect(w.unwrap(bad, ctx)).rejects.toThrow(KeyUnwrapError);
    await expect(new LocalKeyWrapper(random(32)).unwrap(blob, ctx)).rejects.toThrow(KeyUnwrapError);
  });
});

function recordingKms(answer: (target: string, body: Record<string, unknown>) => { status: number; body: unknown }) {
  const seen: { target: string; body: Record<string, unknown>; headers: Record<string, string> }[] = [];
  const kms = new KMSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      async handle(req: { headers: Record<string, string>; body: unknown }) {
        const target = String(req.headers['x-amz-target']);
        const body = JSON.parse(typeof req.body === 'string' ? req.body : Buffer.from(req.body as Uint8Array).toString('utf8')) as Record<string, unknown>;
        seen.push({ target, body, headers: req.headers });
        const a = answer(target, body);
        return {
          // An HttpResponse by shape (@smithy/protocol-http is not a direct dependency).
          response: {
            statusCode: a.status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from(JSON.stringify(a.body))]),
          },
        };
      },
    },
  });
  return { kms, seen };
}

describe('KmsKeyWrapper: the documented Encrypt/Decrypt requests', () => {
  const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const secret = random(32);
  const blob = random(184);

  it('Encrypt sends KeyId, base64 Plaintext and the EncryptionContext; Decrypt sends the blob, the same context and the KeyId', async () => {
    const { kms, seen } = recordingKms((target) =>
      target === 'TrentService.Encrypt'
        ? { status: 200, body: { CiphertextBlob: Buffer.from(blob).toString('base64'), KeyId: keyId, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' } }
        : { status: 200, body: { Plaintext: Buffer.from(secret).toString('base64'), KeyId: keyId, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' } },
    );
    const w = new KmsKeyWrapper(kms, keyId);
    expect(Buffer.from(await w.wrap(secret, ctx)).equals(Buffer.from(blob))).toBe(true);
    expect(Buffer.from(await w.unwrap(blob, ctx)).equals(Buffer.from(secret))).toBe(true);
    expect(seen.map((s) => s.target)).toEqual(['TrentService.Encrypt', 'TrentService.Decrypt']);
    expect(seen[0]!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(seen[0]!.body).toEqual({
      KeyId: keyId,
      Plaintext: Buffer.from(secret).toString('base64'),
      EncryptionContext: ctx,
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(seen[1]!.body).toEqual({
      KeyId: keyId,
      CiphertextBlob: Buffer.from(blob).toString('base64'),
      EncryptionContext: ctx,
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
  });

  it('InvalidCiphertextException (a wrong context) is a KeyUnwrapError; throttling is not swallowed', async () => {
    const { kms } = recordingKms(() => ({ status: 400, body: { __type: 'InvalidCiphertextException', message: '' } }));
    await expect(new KmsKeyWrapper(kms, keyId).unwrap(blob, ctx)).rejects.toThrow(KeyUnwrapError);
    const { kms: throttled } = recordingKms(() => ({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } }));
    await expect(new KmsKeyWrapper(throttled, keyId).unwrap(blob, ctx)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
