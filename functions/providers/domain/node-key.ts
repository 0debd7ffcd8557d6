/**
 * The node key: the key pair a provider's machine makes at `init` and keeps (0600); the exchange
 * stores only its public half. It signs the join challenge and every heartbeat, always over the
 * RFC 8785 canonical JSON of the message (so both sides sign the same bytes).
 * Ed25519, or ECDSA P-256 with SHA-256 (DER signatures, as node:crypto and WebCrypto-to-DER make).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../../platform/canonical-json.ts';

export const NODE_KEY_ALGORITHMS = ['ed25519', 'ecdsa-p256'] as const;
export type NodeKeyAlgorithm = (typeof NODE_KEY_ALGORITHMS)[number];

export type ParsedKey = { ok: true; key: KeyObject; algorithm: NodeKeyAlgorithm } | { ok: false; reason: string };

/** A public key given as base64 SPKI DER, checked to be of the algorithm named. */
export function parseNodeKey(spkiBase64: string, algorithm: NodeKeyAlgorithm): ParsedKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return { ok: false, reason: 'not a base64 SPKI DER public key' };
  }
  if (algorithm === 'ed25519' && key.asymmetricKeyType === 'ed25519') return { ok: true, key, algorithm };
  if (algorithm === 'ecdsa-p256' && key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return { ok: true, key, algorithm };
  return { ok: false, reason: `the key is not an ${algorithm} public key` };
}

/** Whether `signatureBase64` signs the canonical JSON of `message` under `key`. */
export function verifySigned(key: KeyObject, algorithm: NodeKeyAlgorithm, message: unknown, signatureBase64: string): boolean {
  const sig = Buffer.from(signatureBase64, 'base64');
  if (sig.length === 0) return false;
  try {
    return verify(algorithm === 'ed25519' ? null : 'sha256', canonicalBytes(message), key, sig);
  } catch {
    return false;
  }
}

/** What the node signs to prove it holds its key: the exchange's challenge, bound to the provider and purpose. */
export const verificationMessage = (providerId: string, challenge: string) => ({ purpose: 'vracu-provider-verify', providerId, challenge });
