import { httpHandler } from '../../platform/http/handler.ts';
import { paymentsContext } from '../deps.ts';
import { stripeWebhookRoute } from '../api.ts';
import { receiveWebhook } from '../usecases/receive-webhook.ts';

export const handler = httpHandler(stripeWebhookRoute, paymentsContext, async (req, d) => {
  const signature = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'stripe-signature')?.[1];
  return receiveWebhook(d, req.rawBody ?? Buffer.alloc(0), signature);
});
