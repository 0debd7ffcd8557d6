/**
 * Webhook verification with `stripe.webhooks.constructEvent` over the raw bytes, at the
 * injected clock (its `receivedAt`), with the 300 s tolerance in the past and our own check
 * of the future (domain/webhook.ts). Offline: no API key is needed.
 */
import Stripe from 'stripe';
import { signatureTimestamp, WEBHOOK_TOLERANCE_SEC, withinTolerance } from '../domain/webhook.ts';

export type WebhookVerdict = { ok: true; event: unknown } | { ok: false; why: string };

export function verifyStripeWebhook(raw: Buffer, header: string | undefined, secret: string, nowMs: number): WebhookVerdict {
  if (!header) return { ok: false, why: 'no Stripe-Signature header' };
  const t = signatureTimestamp(header);
  if (t === null) return { ok: false, why: 'the Stripe-Signature header has no timestamp' };
  if (!withinTolerance(t, nowMs)) return { ok: false, why: `the signature timestamp is more than ${WEBHOOK_TOLERANCE_SEC} s from now` };
  try {
    return { ok: true, event: Stripe.webhooks.constructEvent(raw, header, secret, WEBHOOK_TOLERANCE_SEC, undefined, nowMs) };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}
