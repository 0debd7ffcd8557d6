/**
 * The providers composition that judges hardware evidence (`POST /v1/providers/{id}/evidence`):
 * the directory's, with the privacy gate's verifiers under the secure default policy
 * (docs/attestation.md). A composition root of its own, so only that function bundles the
 * verifiers' libraries.
 */
import type { Composition } from '../platform/compose.ts';
import { gateAttesters } from '../privacy/drivers/attesters.ts';
import { providersContext, type ProvidersDeps } from '../providers/deps.ts';

export const providersEvidenceContext: Composition<ProvidersDeps> = {
  context: 'providers',
  fromEnv(env) {
    const d = providersContext.fromEnv(env);
    return { ...d, attesters: gateAttesters({}, d.rt.clock) };
  },
};
