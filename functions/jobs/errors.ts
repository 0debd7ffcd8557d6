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
} as const;

export const jobsError = errorsOf(JOBS_ERRORS);
