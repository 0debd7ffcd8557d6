/** The providers context's error codes and their HTTP status. */
import { errorsOf } from '../platform/errors.ts';

export const PROVIDERS_ERRORS = {
  /** No such join token (or a malformed one): the token is the credential, so 401. */
  join_token_invalid: 401,
  join_token_expired: 410,
  join_token_redeemed: 409,
  /** The joining node asks for what the token's policy does not allow (model, region, units). */
  join_out_of_scope: 403,
  /** Verification: no open challenge, or one past its expiry. */
  challenge_invalid: 409,
  already_verified: 409,
  /** The node key is not a supported public key (Ed25519, or ECDSA P-256). */
  invalid_public_key: 400,
  /** A signature that does not verify with the node key (verification, heartbeats). */
  bad_signature: 401,
  /** A heartbeat before the node is verified (no node key to check it with). */
  node_not_verified: 409,
  /** A heartbeat whose timestamp lies outside the accepted window around the exchange's clock. */
  heartbeat_stale: 400,
  /** A heartbeat not newer than the last one accepted (a replay, or out of order). */
  heartbeat_replayed: 409,
  /** Evidence: no open nonce matches (none asked for, used, or expired). */
  evidence_nonce_invalid: 409,
  /** Evidence the verifiers refused (the attester's failure code is given per kind). */
  evidence_refused: 422,
  /** SSM could not create the machine's ECS Anywhere activation (unreachable, throttled, or refused): nothing written, retry later. */
  activation_unavailable: 503,
} as const;

export type ProvidersErrorCode = keyof typeof PROVIDERS_ERRORS;

export const providersError = errorsOf(PROVIDERS_ERRORS);
