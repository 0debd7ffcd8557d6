/** The payments context's error codes and their HTTP status. */
import { errorsOf } from '../platform/errors.ts';

export const PAYMENTS_ERRORS = {
  /** The amount is outside the configured checkout or payout bounds. */
  amount_out_of_range: 400,
  /** A webhook whose signature, timestamp or body does not verify: nothing was written. */
  webhook_signature_invalid: 400,
  /** The payout would exceed the provider's daily limit. */
  payout_limit_exceeded: 409,
  /** The payout rail is not configured on this deployment. */
  payout_rail_unavailable: 409,
  /** Two reconciliations ran at once and the other moved the checkpoint first: nothing of this one was kept. */
  reconcile_busy: 409,
} as const;

export type PaymentsErrorCode = keyof typeof PAYMENTS_ERRORS;

export const paymentsError = errorsOf(PAYMENTS_ERRORS);
