/**
 * The node key on the provider's machine: made once at `init`, kept in a 0600 file, never sent.
 * It signs the join challenge and every heartbeat over RFC 8785 canonical JSON — the same bytes
 * the exchange verifies (functions/providers/domain/node-key.ts).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../../functions/platform/canonical-json.ts';
import type { NodeKeyAlgorithm } from '../../functions/providers/domain/node-key.ts';

export interface NodeKey {
  algorithm: NodeKeyAlgorithm;
  privateKey: KeyObject;
  /** Base64 SPKI DER, what the exchange stores. */
  publicKey: string;
}

export function generateNodeKey(algorithm: NodeKeyAlgorithm = 'ed25519'): NodeKey {
  const { privateKey, publicKey } = algorithm === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { algorithm, privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

/** The key as its file holds it: PKCS#8 PEM of the private key, and the algorithm. */
export const nodeKeyToPem = (k: NodeKey): string => k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

export function nodeKeyFromPem(pem: string, algorithm: NodeKeyAlgorithm): NodeKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  return { algorithm, privateKey, publicKey };
}

/** Base64 signature over the canonical JSON of `message`. */
export function signCanonical(k: NodeKey, message: unknown): string {
  return sign(k.algorithm === 'ed25519' ? null : 'sha256', canonicalBytes(message), k.privateKey).toString('base64');
}

/** What the node signs to verify (the exchange builds the same message). */
export const verificationMessage = (providerId: string, challenge: string) => ({ purpose: 'vracu-provider-verify', providerId, challenge });
