/**
 * The payments context's face to other contexts: its composition and the price table (the
 * one source of the USD → ACU rate). Other contexts import from here only.
 */
export { composePayments, type PaymentsDeps, type PaymentsInputs } from './deps.ts';
export { loadPaymentsConfig, type PaymentsConfig } from './config.ts';
export { PRICE_TABLE, priceAt, type PriceVersion } from './domain/price.ts';
