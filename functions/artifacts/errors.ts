/** The artifacts context's error codes and their HTTP status. */
import { errorsOf } from '../platform/errors.ts';

export const ARTIFACTS_ERRORS = {
  artifact_too_large: 413,
  artifact_not_uploaded: 409,
  artifact_expired: 410,
  upload_incomplete: 409,
  artifact_already_uploaded: 409,
  encryption_key_missing: 409,
  input_not_available: 409,
  already_released: 409,
  output_too_large: 413,
  too_many_outputs: 409,
  artifacts_credential_invalid: 403,
  artifacts_job_ended: 409,
  output_slot_unknown: 403,
  outputs_already_reported: 409,
  artifact_not_an_input: 409,
} as const;

export const artifactsError = errorsOf(ARTIFACTS_ERRORS);
