/**
 * The privacy composition that judges evidence (`POST /v1/jobs/{id}/privacy/handshake`): the
 * context's, with the gate's hardware verifiers under the configured attestation policy. A
 * composition root of its own, so only that function bundles the verifiers' libraries.
 */
import type { Composition } from '../platform/compose.ts';
import type { AttestationPolicy } from '../privacy/attesters/verify.ts';
import { gateAttesters } from '../privacy/drivers/attesters.ts';
import { privacyContext, type PrivacyDeps } from '../privacy/deps.ts';

export const privacyHandshakeContext: Composition<PrivacyDeps> = {
  context: 'privacy',
  fromEnv(env) {
    const d = privacyContext.fromEnv(env);
    return { ...d, attesters: gateAttesters(d.cfg.attestationPolicy as AttestationPolicy, d.rt.clock) };
  },
};
