/**
 * Whether a message is signed by a provider's verified node key (the key its node proved at
 * `POST /v1/join/verify`; docs/providers.md "The node key"). Other contexts ask through
 * index.ts: the control plane's metering takes only slices its provider's node signed.
 */
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { parseNodeKey, verifySigned, type NodeKeyAlgorithm } from '../domain/node-key.ts';
import { getProvider } from '../store/reads.ts';

export async function signedByNode(providers: StoreCtx, providerId: string, message: unknown, signature: string): Promise<boolean> {
  const p = await getProvider(providers, providerId);
  if (!p || p.status !== 'VERIFIED' || !p.publicKey || !p.keyAlgorithm) return false;
  const key = parseNodeKey(p.publicKey, p.keyAlgorithm as NodeKeyAlgorithm);
  return key.ok && verifySigned(key.key, key.algorithm, message, signature);
}
