/**
 * A Stripe webhook delivery: verified over the raw bytes (bad → 400, nothing written), its
 * event id recorded by a conditional write, the normalised event sent to the FIFO queue
 * (group = principal, dedupe id = event id), answered at once. The credit happens in the
 * worker (apply-event.ts). A second delivery of an event already queued is acknowledged
 * and sends nothing; one whose first delivery died before queueing is queued now.
 */
import { isoAt } from '../../platform/clock.ts';
import type { PaymentsDeps } from '../deps.ts';
import { groupOf, normalise, UnreadableEventError, type StripeMessage } from '../domain/stripe-event.ts';
import { verifyStripeWebhook } from '../drivers/stripe-webhook.ts';
import { paymentsError } from '../errors.ts';
import { intentOf } from '../store/reads.ts';
import { eventQueued, recordEvent } from '../store/writes.ts';

export interface WebhookReceipt {
  received: true;
  eventId: string;
  type: string;
  duplicate: boolean;
  handled: boolean;
}

export async function receiveWebhook(d: PaymentsDeps, raw: Buffer, signature: string | undefined): Promise<WebhookReceipt> {
  const secret = d.cfg.webhookSecret;
  if (!secret) throw paymentsError('webhook_signature_invalid', 'no webhook signing secret is configured: every webhook is refused');
  const verdict = verifyStripeWebhook(raw, signature, secret, d.rt.clock.nowMs());
  if (!verdict.ok) throw paymentsError('webhook_signature_invalid', verdict.why);
  let message: StripeMessage;
  try {
    message = await attribute(d, normalise(verdict.event));
  } catch (err) {
    if (err instanceof UnreadableEventError) throw paymentsError('webhook_signature_invalid', err.message);
    throw err;
  }
  const receipt = await recordEvent(d.store, { eventId: message.eventId, type: message.type, at: isoAt(d.rt.clock.nowMs()), group: groupOf(message) });
  const handled = message.kind !== 'ignored';
  if (receipt.fresh || !receipt.queued) {
    if (handled) await d.rt.queues.send('stripeEvents', [{ body: message, groupId: groupOf(message), dedupId: message.eventId }]);
    await eventQueued(d.store, message.eventId);
  }
  return { received: true, eventId: message.eventId, type: message.type, duplicate: !receipt.fresh, handled };
}

/** Refunds name only a PaymentIntent: the buyer is found from the intent's record, for the message group. */
async function attribute(d: PaymentsDeps, m: StripeMessage): Promise<StripeMessage> {
  if (m.kind !== 'refund' || m.principal || !m.paymentIntent) return m;
  const known = await intentOf(d.store, m.paymentIntent);
  return known ? { ...m, principal: known.principal, paymentId: m.paymentId ?? known.paymentId } : m;
}
