/**
 * The privacy context's face to other contexts: the type of the attesters a provider proves
 * its hardware with (the same verifiers, challenge and wire format as a job's handshake; the
 * composition roots build them, functions/api/, since their libraries are large and every
 * context that composes providers would carry them) and the digest of verified claims, and
 * which providers the registry has revoked (placement skips them). It reaches no other context, so a context the jobs context composes (the
 * providers') may use it. Composing privacy itself is for the composition roots (deps.ts,
 * config.ts: the local stack, functions/api, CDK).
 */
export type { Attesters } from './drivers/attesters.ts';
export { EvidenceIn, type AttesterKey, type WireEvidence } from './domain/evidence.ts';
export { attestationHashOf, flattenClaims } from './domain/claims.ts';
export { revokedProviders } from './store/revocations.ts';
