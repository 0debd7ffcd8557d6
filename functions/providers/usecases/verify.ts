/**
 * POST /v1/join/verify: the node proves it holds its key by signing the challenge the join
 * answered (bound to its provider id). The public key is stored; from then on it checks the
 * node's heartbeats. A bad signature, a wrong or expired challenge → 4xx, nothing written.
 * A proven key is appended to the key transparency log (kind `provider-node`, key id the
 * SHA-256 of its SPKI DER) before the provider is marked verified: a verified node's key is
 * always in the log (appending is idempotent by key id, so a retried verify logs it once).
 */
import { isoAt } from '../../platform/clock.ts';
import { providersError } from '../errors.ts';
import type { ProvidersDeps } from '../deps.ts';
import { parseNodeKey, verificationMessage, verifySigned, type NodeKeyAlgorithm } from '../domain/node-key.ts';
import { getProvider } from '../store/reads.ts';
import { markVerified } from '../store/writes.ts';
import { notFound } from '../../platform/errors.ts';
import { logKey, publishKey } from '../../control-plane/index.ts';

export interface VerifyRequest {
  challenge: string;
  publicKey: string;
  algorithm: NodeKeyAlgorithm;
  signature: string;
}

export async function verifyNode(d: ProvidersDeps, providerId: string, req: VerifyRequest) {
  const now = d.rt.clock.nowMs();
  const p = await getProvider(d.store, providerId);
  if (!p) throw notFound('provider');
  if (p.status === 'VERIFIED') throw providersError('already_verified', 'this provider already verified its node key');
  if (!p.challenge || p.challenge !== req.challenge || (p.challengeExpiresAtMs ?? 0) <= now)
    throw providersError('challenge_invalid', 'no open challenge matches (it may have expired)', {
      issues: [{ path: 'body.challenge', message: 'not the open challenge' }],
    });
  const key = parseNodeKey(req.publicKey, req.algorithm);
  if (!key.ok) throw providersError('invalid_public_key', key.reason, { issues: [{ path: 'body.publicKey', message: key.reason }] });
  if (!verifySigned(key.key, key.algorithm, verificationMessage(providerId, req.challenge), req.signature))
    throw providersError('bad_signature', 'the signature does not verify with this key', { issues: [{ path: 'body.signature', message: 'does not verify' }] });
  await publishKey({ rt: d.rt, store: d.controlPlane }, logKey('provider-node', req.algorithm, Buffer.from(req.publicKey, 'base64'), providerId));
  const ok = await markVerified(d.store, providerId, {
    challenge: req.challenge,
    nowMs: now,
    publicKey: req.publicKey,
    keyAlgorithm: req.algorithm,
    at: isoAt(now),
  });
  if (!ok) throw providersError('challenge_invalid', 'the challenge was used or expired meanwhile');
  return { providerId, status: 'VERIFIED' as const, keyAlgorithm: req.algorithm };
}
