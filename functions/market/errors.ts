/** The market's error codes and their HTTP status. */
import { errorsOf } from '../platform/errors.ts';

export const MARKET_ERRORS = {
  unknown_provider: 404,
  unknown_tenor: 400,
  quote_expired: 410,
  quote_not_found: 404,
  price_drifted: 409,
  capacity_exhausted: 409,
  rc_not_active: 409,
  rc_not_owned: 403,
  listing_not_open: 409,
  listing_exceeds_available: 409,
  trade_exceeds_listing: 409,
  self_trade: 409,
  hold_not_found: 404,
  hold_not_disputable: 409,
  hold_not_disputed: 409,
} as const;

export type MarketErrorCode = keyof typeof MARKET_ERRORS;

export const marketError = errorsOf(MARKET_ERRORS);
