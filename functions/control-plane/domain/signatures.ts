/**
 * Dual signatures (seed §8 "DualSignatureService"): Ed25519 (node:crypto) and ML-DSA-65
 * (@noble/post-quantum, FIPS 204), both over the same RFC 8785 canonical bytes, each with a
 * domain-separation label so a signature made for one purpose never verifies for another:
 * Ed25519 signs `label ‖ 0x00 ‖ message`, ML-DSA-65 signs `message` with `context = label`.
 * A signed object is valid only when BOTH signatures verify (AND rule).
 * Key ids are SHA-256 of the raw public key, hex (the transparency log's leaves).
 */
import { createHash, createPrivateKey, createPublicKey, sign as edSign, verify as edVerify } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';

export type Algorithm = 'ed25519' | 'ml-dsa-65';

export interface PublicKey {
  alg: Algorithm;
  keyId: string;
  /** Raw public key, base64. */
  publicKey: string;
}

export interface Signature {
  alg: Algorithm;
  keyId: string;
  /** base64 */
  sig: string;
}

export interface KeyPair {
  ed25519: { seed: Uint8Array; publicKey: Uint8Array };
  mlDsa65: { secretKey: Uint8Array; publicKey: Uint8Array };
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const enc = new TextEncoder();

export const keyIdOf = (raw: Uint8Array): string => createHash('sha256').update(raw).digest('hex');
export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
export const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** Both key pairs from two 32-byte seeds (deterministic: the same seeds, the same keys). */
export function keyPairFromSeeds(edSeed: Uint8Array, pqSeed: Uint8Array): KeyPair {
  if (edSeed.length !== 32 || pqSeed.length !== 32) throw new RangeError('seeds are 32 bytes');
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, edSeed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  const pq = ml_dsa65.keygen(pqSeed);
  return {
    ed25519: { seed: edSeed, publicKey: new Uint8Array(spki.subarray(spki.length - 32)) },
    mlDsa65: { secretKey: pq.secretKey, publicKey: pq.publicKey },
  };
}

export function publicKeys(k: KeyPair): PublicKey[] {
  return [
    { alg: 'ed25519', keyId: keyIdOf(k.ed25519.publicKey), publicKey: b64(k.ed25519.publicKey) },
    { alg: 'ml-dsa-65', keyId: keyIdOf(k.mlDsa65.publicKey), publicKey: b64(k.mlDsa65.publicKey) },
  ];
}

const edMessage = (label: string, msg: Uint8Array) => Buffer.concat([enc.encode(label), Buffer.from([0]), msg]);

export function signBoth(k: KeyPair, label: string, msg: Uint8Array): Signature[] {
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, k.ed25519.seed]), format: 'der', type: 'pkcs8' });
  return [
    { alg: 'ed25519', keyId: keyIdOf(k.ed25519.publicKey), sig: b64(edSign(null, edMessage(label, msg), priv)) },
    { alg: 'ml-dsa-65', keyId: keyIdOf(k.mlDsa65.publicKey), sig: b64(ml_dsa65.sign(msg, k.mlDsa65.secretKey, { context: enc.encode(label) })) },
  ];
}

export function verifyOne(pk: PublicKey, s: Signature, label: string, msg: Uint8Array): boolean {
  if (pk.alg !== s.alg || pk.keyId !== s.keyId) return false;
  const raw = unb64(pk.publicKey);
  if (keyIdOf(raw) !== pk.keyId) return false;
  try {
    if (s.alg === 'ed25519') {
      if (raw.length !== 32) return false;
      return edVerify(null, edMessage(label, msg), createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' }), unb64(s.sig));
    }
    return ml_dsa65.verify(unb64(s.sig), msg, raw, { context: enc.encode(label) });
  } catch {
    return false;
  }
}

export interface DualVerdict {
  valid: boolean;
  ed25519: boolean;
  mlDsa65: boolean;
}

/** AND rule: both algorithms must verify, each with a key from `keys`. */
export function verifyBoth(keys: readonly PublicKey[], sigs: readonly Signature[], label: string, msg: Uint8Array): DualVerdict {
  const check = (alg: Algorithm) => {
    const s = sigs.filter((x) => x.alg === alg);
    if (s.length !== 1) return false;
    const pk = keys.find((k) => k.alg === alg && k.keyId === s[0]!.keyId);
    return pk !== undefined && verifyOne(pk, s[0]!, label, msg);
  };
  const ed25519 = check('ed25519');
  const mlDsa65 = check('ml-dsa-65');
  return { valid: ed25519 && mlDsa65, ed25519, mlDsa65 };
}
