/**
 * A Stripe webhook delivery: verified over the raw bytes (bad → 400, nothing written), its
 * event id recorded by a conditional write, the normalised event sent to the FIFO queue
 * (group = principal, dedupe id = event id), answered at once: two writes, side by side. The credit
 * happens in the worker (apply-event.ts). A second delivery is acknowledged as a duplicate.
 */
import { PAYMENTS_METRICS } from '../../definitions/metrics.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isoAt } from '../../platform/clock.ts';
import { metrics } from '../../platform/observability.ts';
import type { PaymentsDeps } from '../deps.ts';
import { groupOf, normalise, UnreadableEventError, type StripeMessage } from '../domain/stripe-event.ts';
import { verifyStripeWebhook } from '../drivers/stripe-webhook.ts';
import { paymentsError } from '../errors.ts';
import { intentOf } from '../store/reads.ts';
import { recordEvent } from '../store/writes.ts';

export interface WebhookReceipt {
  received: true;
  eventId: string;
  type: string;
  duplicate: boolean;
  handled: boolean;
}

export async function receiveWebhook(d: PaymentsDeps, raw: Buffer, signature: string | undefined): Promise<WebhookReceipt> {
  const secret = d.cfg.webhookSecret;
  const refused = (why: string) => {
    metrics.addMetric(PAYMENTS_METRICS.webhooksRefused, MetricUnit.Count, 1);
    return paymentsError('webhook_signature_invalid', why);
  };
  if (!secret) throw refused('no webhook signing secret is configured: every webhook is refused');
  const verdict = verifyStripeWebhook(raw, signature, secret, d.rt.clock.nowMs());
  if (!verdict.ok) throw refused(verdict.why);
  let message: StripeMessage;
  try {
    message = await attribute(d, normalise(verdict.event));
  } catch (err) {
    if (err instanceof UnreadableEventError) throw refused(err.message);
    throw err;
  }
  const handled = message.kind !== 'ignored';
  // The receipt and the send run side by side (the acknowledgement waits for one round trip,
  // not two): the send does not depend on the receipt, because it happens on a duplicate
  // delivery too (its first delivery may have died before sending). The FIFO dedupe id drops a
  // repeat within 5 minutes; after that the worker's ledger keys make it a no-op. Either
  // failing answers 5xx and Stripe delivers again.
  const [receipt] = await Promise.all([
    recordEvent(d.store, { eventId: message.eventId, type: message.type, at: isoAt(d.rt.clock.nowMs()), group: groupOf(message) }),
    handled ? d.rt.queues.send('stripeEvents', [{ body: message, groupId: groupOf(message), dedupId: message.eventId }]) : undefined,
  ]);
  metrics.addMetric(PAYMENTS_METRICS.webhooksReceived, MetricUnit.Count, 1);
  return { received: true, eventId: message.eventId, type: message.type, duplicate: !receipt, handled };
}

/** Refunds name only a PaymentIntent: the buyer is found from the intent's record, for the message group. */
async function attribute(d: PaymentsDeps, m: StripeMessage): Promise<StripeMessage> {
  if (m.kind !== 'refund' || m.principal || !m.paymentIntent) return m;
  const known = await intentOf(d.store, m.paymentIntent);
  return known ? { ...m, principal: known.principal, paymentId: m.paymentId ?? known.paymentId } : m;
}
