/** The control plane's error codes and their HTTP status. */
import { errorsOf } from '../platform/errors.ts';

export const CONTROL_PLANE_ERRORS = {
  unknown_bucket: 404,
  invalid_demand: 400,
  demand_changed: 409,
  invalid_units: 400,
  capacity_contended: 409,
  slice_conflict: 409,
  /** The slice is not signed by its provider's verified node key. */
  slice_signature_invalid: 401,
  receipt_not_found: 404,
  log_contended: 409,
  no_tree_head: 404,
  key_not_logged: 404,
  /** Logged, but after the latest signed tree head: the next head includes it. */
  key_not_in_head: 404,
  bad_tree_sizes: 400,
  proposal_refused: 409,
  proposal_not_found: 404,
  proposal_changed: 409,
} as const;

export type ControlPlaneErrorCode = keyof typeof CONTROL_PLANE_ERRORS;

export const controlPlaneError = errorsOf(CONTROL_PLANE_ERRORS);
