/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (lib/bundling.ts).
 * Lambda hands a function its role's credentials in environment variables, the first
 * source the SDK's default chain tries; the rest of the chain (profiles, SSO, web
 * identity, process, IMDS, and the STS/SSO clients they carry, ≈ 80 KB) never runs there
 * but would be parsed at every cold start.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type FromEnvInit = Parameters<typeof fromEnv>[0];

export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);

/** The chain's refresh hints; environment credentials are refreshed by restarting. */
export const credentialsWillNeedRefresh = () => false;
export const credentialsTreatedAsExpired = () => false;
