/** The jobs context's error codes and their HTTP status. */
import { errorsOf } from '../platform/errors.ts';

export const JOBS_ERRORS = {
  unknown_adapter: 400,
  invalid_spec: 400,
  image_not_allowed: 403,
  policy_denied: 403,
  quota_exceeded: 409,
  job_not_cancellable: 409,
  agent_exists: 409,
  /** The agent's challenge is unknown, another provider's, or already used. */
  agent_challenge_invalid: 409,
  agent_challenge_expired: 410,
  /** The registration is not signed by the key it registers. */
  agent_bad_signature: 401,
} as const;

export const jobsError = errorsOf(JOBS_ERRORS);
