/**
 * The privacy context's face to other contexts: whether something is revoked (placement asks
 * before giving a provider a job), and how to compose the context.
 */
export { composePrivacy, privacyContext, type PrivacyDeps, type PrivacyInputs } from './deps.ts';
export { loadPrivacyConfig, type PrivacyConfig } from './config.ts';
export type { RevocationKind } from './domain/revocation.ts';
export { isRevoked } from './usecases/revoked.ts';
