import { describe, expect, it } from 'vitest';
import { generateEncryptionKeyPair, openFileKey, sealFileKey } from '../../../../functions/platform/crypto/hpke.ts';

const ikm = (b: number) => new Uint8Array(32).fill(b);

describe('HPKE file-key sealing (RFC 9180, X25519 / HKDF-SHA256 / AES-256-GCM)', () => {
  const binding = { jobId: 'job_01', name: 'result.bin' };
  const fileKey = new Uint8Array(32).map((_, i) => i);

  it('derives the same pair from the same seed, and a sealed key opens only with the private key and binding', async () => {
    const a = await generateEncryptionKeyPair(ikm(1));
    expect(Buffer.from((await generateEncryptionKeyPair(ikm(1))).publicKey).equals(Buffer.from(a.publicKey))).toBe(true);
    expect(a.publicKey.length).toBe(32);
    const sealed = await sealFileKey(a.publicKey, fileKey, binding);
    expect(sealed.length).toBe(32 + 32 + 16);
    expect(Buffer.from(await openFileKey(a.privateKey, sealed, binding)).equals(Buffer.from(fileKey))).toBe(true);

    const other = await generateEncryptionKeyPair(ikm(2));
    await expect(openFileKey(other.privateKey, sealed, binding)).rejects.toThrow();
    await expect(openFileKey(a.privateKey, sealed, { ...binding, name: 'other.bin' })).rejects.toThrow();
    await expect(openFileKey(a.privateKey, sealed, { ...binding, jobId: 'job_02' })).rejects.toThrow();
    const bad = Buffer.from(sealed);
    bad[40]! ^= 1;
    await expect(openFileKey(a.privateKey, bad, binding)).rejects.toThrow();
  });

  it('two seals of the same key differ (fresh ephemeral key each time)', async () => {
    const a = await generateEncryptionKeyPair();
    const s1 = await sealFileKey(a.publicKey, fileKey, binding);
    const s2 = await sealFileKey(a.publicKey, fileKey, binding);
    expect(Buffer.from(s1).equals(Buffer.from(s2))).toBe(false);
    expect(Buffer.from(await openFileKey(a.privateKey, s2, binding)).equals(Buffer.from(fileKey))).toBe(true);
  });

  it('refuses a public key of the wrong length', async () => {
    await expect(sealFileKey(new Uint8Array(31), fileKey, binding)).rejects.toThrow(RangeError);
  });
});
