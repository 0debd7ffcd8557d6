/** Keys of the payments table (functions/definitions/tables.ts). */
export const paymentKey = (id: string) => ({ pk: `PAY#${id}`, sk: 'PAY' });
/** A PaymentIntent → the payment it pays: charges and refunds name only the intent. */
export const intentKey = (pi: string) => ({ pk: `PI#${pi}`, sk: 'PI' });
export const checkoutIdemKey = (principal: string, key: string) => ({ pk: `CHKIDEM#${principal}#${key}`, sk: 'IDEM' });
/** One item per Stripe event id, written once: the webhook's receipt. */
export const eventKey = (eventId: string) => ({ pk: `EVT#${eventId}`, sk: 'EVT' });
export const payoutKey = (id: string) => ({ pk: `PO#${id}`, sk: 'PO' });
export const payoutIdemKey = (provider: string, key: string) => ({ pk: `POIDEM#${provider}#${key}`, sk: 'IDEM' });
/** A provider's payouts requested on one UTC day: the daily limit's counter. */
export const payoutDayKey = (provider: string, day: string) => ({ pk: `PODAY#${provider}#${day}`, sk: 'DAY' });

export const PRINCIPAL_GSI = 'gsi1';
export const payerGsi = (principal: string) => `PRN#${principal}`;
export const payeeGsi = (provider: string) => `PRV#${provider}`;
