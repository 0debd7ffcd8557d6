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

/** The one reconciliation checkpoint (domain/reconcile-window.ts). */
export const reconcileCheckpointKey = { pk: 'RECON', sk: 'CHECKPOINT' };

export const PRINCIPAL_GSI = 'gsi1';
/**
 * Sparse: the payments and payouts sent on chain and not yet matched by reconciliation. An item
 * enters when its send is marked and leaves when a window matches it (REMOVE gsi2pk).
 */
export const RECONCILE_GSI = 'gsi2';
export const RECONCILE_OPEN = 'RECON#OPEN';
export const payerGsi = (principal: string) => `PRN#${principal}`;
export const payeeGsi = (provider: string) => `PRV#${provider}`;
