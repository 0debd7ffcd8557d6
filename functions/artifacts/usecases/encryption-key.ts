/** A buyer's X25519 public key, to which job sidecars seal output file keys (HPKE). */
import type { Principal } from '../../platform/auth/principal.ts';
import { isoAt } from '../../platform/clock.ts';
import { putEncryptionKey, type EncryptionKey } from '../store/artifact-store.ts';
import type { ArtifactsDeps } from '../deps.ts';

export async function registerEncryptionKey(d: ArtifactsDeps, p: Principal, publicKeyHex: string): Promise<EncryptionKey> {
  const k = { tenant: p.tenant, publicKey: publicKeyHex, registeredAt: isoAt(d.rt.clock.nowMs()) };
  await putEncryptionKey(d.store, k);
  return k;
}
