import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { base58Decode, base58Encode, decodeWif, encodeWif, WIF_VERSION } from '../../../functions/jobs/domain/wif.ts';
import { derToCompactLowS, spkiToPoint } from '../../../functions/platform/crypto/secp256k1-der.ts';
import { KmsSigner } from '../../../functions/jobs/drivers/kms-signer.ts';
import { KeySigner } from '../../../functions/jobs/drivers/key-file-signer.ts';
import { sign, type CreationBody } from '../../../functions/jobs/domain/attestation.ts';
import { verifySignature } from '../../../functions/jobs/domain/verify.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';

const SEED = 77;
const rand = seededPrng(SEED);
const secret = Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256));
const N = secp256k1.Point.CURVE().n;

/** DER as KMS returns it, from r and s. */
function der(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint) => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let b = Buffer.from(hex, 'hex');
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}

/** A SubjectPublicKeyInfo for secp256k1 (the DER prefix KMS uses) around an uncompressed point. */
const SPKI_PREFIX = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');

describe(`WIF (seed ${SEED})`, () => {
  it('round-trips a secret with the Verus version byte and the compressed flag', () => {
    const wif = encodeWif(secret);
    const back = decodeWif(wif);
    expect(back.version).toBe(WIF_VERSION);
    expect(back.compressed).toBe(true);
    expect(Buffer.from(back.secretKey).equals(Buffer.from(secret))).toBe(true);
  });
  it('rejects a changed character (checksum) and a foreign alphabet', () => {
    const wif = encodeWif(secret);
    const changed = wif.slice(0, 10) + (wif[10] === 'a' ? 'b' : 'a') + wif.slice(11);
    expect(() => decodeWif(changed)).toThrow(/checksum|bytes/);
    expect(() => decodeWif('0OIl')).toThrow(/base58/);
  });
  it('base58 keeps leading zero bytes', () => {
    const b = new Uint8Array([0, 0, 1, 2, 255]);
    expect(base58Encode(b).startsWith('11')).toBe(true);
    expect([...base58Decode(base58Encode(b))]).toEqual([...b]);
  });
});

describe('DER → compact low-s', () => {
  const digest = sha256(new TextEncoder().encode('attest'));
  const local = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secret, { prehash: false }), 'compact');
  const pub = secp256k1.getPublicKey(secret, true);

  it('a low-s DER signature converts to the same compact bytes', () => {
    const out = derToCompactLowS(der(local.r, local.s));
    expect(Buffer.from(out).equals(Buffer.from(local.toBytes('compact')))).toBe(true);
    expect(secp256k1.verify(out, digest, pub, { prehash: false })).toBe(true);
  });

  it('a high-s DER signature (as KMS may return) is normalised and verifies under low-s rules', () => {
    const out = derToCompactLowS(der(local.r, N - local.s));
    expect(secp256k1.Signature.fromBytes(out, 'compact').hasHighS()).toBe(false);
    expect(secp256k1.verify(out, digest, pub, { prehash: false, lowS: true })).toBe(true);
  });

  it.each([
    ['not a sequence', new Uint8Array([0x31, 0x00])],
    ['length mismatch', new Uint8Array([0x30, 0x05, 0x02, 0x01, 0x01])],
    ['trailing bytes', new Uint8Array([...der(1n, 1n).slice(0, 1), der(1n, 1n)[1]! + 1, ...der(1n, 1n).slice(2), 0])],
    ['zero r', der(0n, 5n)],
    ['s ≥ n', der(5n, N)],
  ])('rejects %s', (_n, bytes) => expect(() => derToCompactLowS(bytes)).toThrow(/DER/));

  it('reads the point out of a SubjectPublicKeyInfo', () => {
    const point = secp256k1.getPublicKey(secret, false);
    expect(Buffer.from(spkiToPoint(new Uint8Array(Buffer.concat([SPKI_PREFIX, point])))).equals(Buffer.from(point))).toBe(true);
  });
});

describe('KmsSigner builds the KMS requests and turns the answers into our signatures', () => {
  /** Stands in for KMS at the outer edge: records each command, answers with a local key. */
  function fakeKms(opts: { highS?: boolean; keySpec?: string } = {}) {
    const sent: unknown[] = [];
    return {
      sent,
      async send(cmd: unknown) {
        sent.push(cmd);
        if (cmd instanceof GetPublicKeyCommand) {
          return { KeySpec: opts.keySpec ?? 'ECC_SECG_P256K1', PublicKey: new Uint8Array(Buffer.concat([SPKI_PREFIX, secp256k1.getPublicKey(secret, false)])) };
        }
        if (cmd instanceof SignCommand) {
          const s = secp256k1.Signature.fromBytes(secp256k1.sign(cmd.input.Message as Uint8Array, secret, { prehash: false }), 'compact');
          return { Signature: der(s.r, opts.highS ? N - s.s : s.s), KeyId: cmd.input.KeyId };
        }
        throw new Error('unexpected command');
      },
    };
  }

  it('Sign: the key id, the 32-byte digest, MessageType DIGEST, ECDSA_SHA_256', async () => {
    const kms = fakeKms({ highS: true });
    const signer = new KmsSigner(kms as never, 'alias/vracu-agent-agent-1');
    const body: CreationBody = {
      type: 'container:created',
      jobId: 'job_01JD3Q0000000000000000000A',
      containerId: 'task/1',
      agentId: 'agent-1',
      identity: 'ari1.agentplatform@',
      createdAt: '2026-01-01T00:00:00.000Z',
      jobHash: 'sha256:00',
      ephemeral: true,
      privacyTier: 'ephemeral-container',
    };
    const att = await sign(body, signer);
    const cmd = kms.sent[0] as SignCommand;
    expect(cmd).toBeInstanceOf(SignCommand);
    expect(cmd.input.KeyId).toBe('alias/vracu-agent-agent-1');
    expect(cmd.input.MessageType).toBe('DIGEST');
    expect(cmd.input.SigningAlgorithm).toBe('ECDSA_SHA_256');
    expect((cmd.input.Message as Uint8Array).length).toBe(32);
    const pubHex = Buffer.from(await signer.publicKey()).toString('hex');
    expect(pubHex).toBe(new KeySigner(secret).publicKeyHex);
    expect(kms.sent[1]).toBeInstanceOf(GetPublicKeyCommand);
    expect(verifySignature(att, pubHex)).toBe(true);
  });

  it('refuses a key of another spec and a digest of the wrong size', async () => {
    await expect(new KmsSigner(fakeKms({ keySpec: 'ECC_NIST_P256' }) as never, 'k').publicKey()).rejects.toThrow(/ECC_SECG_P256K1/);
    await expect(new KmsSigner(fakeKms() as never, 'k').signDigest(new Uint8Array(31))).rejects.toThrow(/32-byte/);
  });
});

describe('signature and point helpers without curve arithmetic', () => {
  it('isLowS accepts exactly 0 < r < n, 0 < s ≤ n/2', async () => {
    const { isLowS } = await import('../../../functions/jobs/domain/attestation.ts');
    const { SECP256K1_N } = await import('../../../functions/platform/crypto/secp256k1-der.ts');
    const compact = (r: bigint, s: bigint) => Uint8Array.from(Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex'));
    expect(isLowS(compact(1n, SECP256K1_N / 2n))).toBe(true);
    expect(isLowS(compact(1n, SECP256K1_N / 2n + 1n))).toBe(false);
    expect(isLowS(compact(0n, 1n))).toBe(false);
    expect(isLowS(compact(SECP256K1_N, 1n))).toBe(false);
    expect(isLowS(new Uint8Array(63))).toBe(false);
  });

  it('compressPoint matches the curve library for real keys of both parities', async () => {
    const { compressPoint } = await import('../../../functions/platform/crypto/secp256k1-der.ts');
    const { secp256k1 } = await import('@noble/curves/secp256k1.js');
    const prefixes = new Set<number>();
    for (let i = 1; i <= 8; i++) {
      const secret = Uint8Array.from({ length: 32 }, (_, j) => (j === 31 ? i : 0));
      const c = compressPoint(secp256k1.getPublicKey(secret, false));
      expect(Buffer.from(c).toString('hex')).toBe(Buffer.from(secp256k1.getPublicKey(secret, true)).toString('hex'));
      prefixes.add(c[0]!);
    }
    expect([...prefixes].sort()).toEqual([2, 3]);
    expect(() => compressPoint(new Uint8Array(33))).toThrow(/uncompressed/);
  });
});
