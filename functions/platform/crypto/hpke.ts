/**
 * HPKE (RFC 9180) base mode to a buyer's X25519 key: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * AES-256-GCM (suite 0x0020/0x0001/0x0002), through @hpke/core. It seals only a file key
 * (32 bytes): the file itself is sealed with that key (sealed-file.ts). `info` names this use;
 * the AAD binds the sealed key to one output of one job, so a key moved to another output or
 * job does not open. Sealed key = enc (32 bytes) ‖ ciphertext (48 bytes).
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';

export const X25519_KEY_BYTES = 32;
const ENC_BYTES = 32;
const INFO = new TextEncoder().encode('vracu artifact file key v1');

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

export interface EncryptionKeyPair {
  /** Raw X25519 public key (32 bytes): what the buyer registers. */
  publicKey: Uint8Array;
  /** Raw X25519 private key (32 bytes): stays on the buyer's machine. */
  privateKey: Uint8Array;
}

/** What a sealed file key is bound to. */
export interface OutputBinding {
  jobId: string;
  name: string;
}

const aadOf = (b: OutputBinding): Uint8Array => new TextEncoder().encode(`vracu-output\n${b.jobId}\n${b.name}`);
const ab = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

/** A fresh key pair; with `ikm` (≥ 32 bytes) the pair is derived from it (RFC 9180 DeriveKeyPair), for seeded tests. */
export async function generateEncryptionKeyPair(ikm?: Uint8Array): Promise<EncryptionKeyPair> {
  const pair = ikm ? await suite.kem.deriveKeyPair(ab(ikm)) : await suite.kem.generateKeyPair();
  return {
    publicKey: new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)),
    privateKey: new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)),
  };
}

export async function sealFileKey(recipientPublicKey: Uint8Array, fileKey: Uint8Array, binding: OutputBinding): Promise<Uint8Array> {
  if (recipientPublicKey.length !== X25519_KEY_BYTES) throw new RangeError('an X25519 public key is 32 bytes');
  const recipientPublicKeyObj = await suite.kem.deserializePublicKey(ab(recipientPublicKey));
  const { ct, enc } = await suite.seal({ recipientPublicKey: recipientPublicKeyObj, info: ab(INFO) }, ab(fileKey), ab(aadOf(binding)));
  const out = new Uint8Array(enc.byteLength + ct.byteLength);
  out.set(new Uint8Array(enc), 0);
  out.set(new Uint8Array(ct), enc.byteLength);
  return out;
}

/** Opens a sealed file key; throws if the key, the binding or a byte is wrong. */
export async function openFileKey(recipientPrivateKey: Uint8Array, sealed: Uint8Array, binding: OutputBinding): Promise<Uint8Array> {
  if (sealed.length <= ENC_BYTES) throw new RangeError('sealed file key too short');
  const recipientKey = await suite.kem.deserializePrivateKey(ab(recipientPrivateKey));
  const pt = await suite.open({ recipientKey, enc: ab(sealed.subarray(0, ENC_BYTES)), info: ab(INFO) }, ab(sealed.subarray(ENC_BYTES)), ab(aadOf(binding)));
  return new Uint8Array(pt);
}
