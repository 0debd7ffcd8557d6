/** The privacy context's error codes and their HTTP status (a missing job credential is the platform's 401 `unauthenticated`). */
import { errorsOf } from '../platform/errors.ts';

export const PRIVACY_ERRORS = {
  /** Not this job's credential (another job's, or none minted). */
  job_credential_invalid: 403,
  /** This job's credential, but the job no longer holds its container (ended, or past its deadline). */
  job_credential_expired: 409,
  /** A handshake or nonce outside ATTESTING (the handshake happens once). */
  job_not_attesting: 409,
  /** The nonce is unknown, used, expired or another job's. */
  nonce_invalid: 409,
  /** The gate refused the evidence; the job ended FAILED `attestation_failed`. */
  attestation_failed: 403,
  /** The evidence's attestation hash is revoked; the job ended FAILED `attestation_failed`. */
  attestation_revoked: 403,
  /** No handshake has opened a session for the job. */
  no_session: 409,
  /** The session was cancelled (a revocation) or closed. */
  session_not_open: 409,
  step_not_increasing: 409,
  step_not_released: 409,
  step_already_acknowledged: 409,
  /** The handshake's TLS key is not an ECDSA P-256 public key, or its proof of possession does not verify. */
  tls_key_invalid: 400,
  /** A rotation acknowledged with a certificate other than the one the handshake issued. */
  certificate_mismatch: 409,
  /** The split-key share service or Vault refused or failed: nothing released; the sidecar may retry. */
  key_broker_unavailable: 503,
} as const;

export const privacyError = errorsOf(PRIVACY_ERRORS);
