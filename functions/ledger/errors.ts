/** The ledger's error codes and their HTTP status. */
import { errorsOf } from '../platform/errors.ts';

export const LEDGER_ERRORS = {
  /** A debit the account cannot pay (never lets a balance go negative). */
  insufficient_funds: 409,
} as const;

export const ledgerError = errorsOf(LEDGER_ERRORS);
