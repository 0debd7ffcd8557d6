/**
 * The Stripe port on the `stripe` package: Checkout Sessions (POST /v1/checkout/sessions)
 * and Connect transfers (POST /v1/transfers), each with an Idempotency-Key. Network retries
 * are the library's (same key, so safe). `host`/`port`/`protocol` point it elsewhere (tests:
 * a loopback server that records the form-encoded request).
 */
import Stripe from 'stripe';
import { StripeRefusedError, type CheckoutRequest, type CheckoutSession, type StripeGateway, type TransferRequest } from './stripe.ts';

export interface StripeApiOptions {
  apiKey: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

export function stripeClient(o: StripeApiOptions): Stripe {
  return new Stripe(o.apiKey, {
    maxNetworkRetries: o.maxNetworkRetries ?? 2,
    timeout: o.timeoutMs ?? 10_000,
    telemetry: false,
    ...(o.host ? { host: o.host } : {}),
    ...(o.port ? { port: o.port } : {}),
    ...(o.protocol ? { protocol: o.protocol } : {}),
  });
}

const refused = (err: unknown): never => {
  if (
    err instanceof Stripe.errors.StripeError &&
    (err.type === 'StripeInvalidRequestError' || err.type === 'StripeCardError' || err.type === 'StripePermissionError')
  )
    throw new StripeRefusedError(err.code ?? err.type, err.message);
  throw err;
};

export class StripeApiGateway implements StripeGateway {
  constructor(private readonly stripe: Stripe) {}

  async createCheckoutSession(req: CheckoutRequest): Promise<CheckoutSession> {
    const session = await this.stripe.checkout.sessions
      .create(
        {
          mode: 'payment',
          client_reference_id: req.reference,
          line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: Number(req.usdCents), product_data: { name: req.description } } }],
          metadata: req.metadata,
          payment_intent_data: { metadata: req.metadata },
          success_url: req.successUrl,
          cancel_url: req.cancelUrl,
        },
        { idempotencyKey: req.idempotencyKey },
      )
      .catch(refused);
    if (!session.url) throw new Error(`Stripe answered checkout session ${session.id} without a url`);
    return { id: session.id, url: session.url };
  }

  async createTransfer(req: TransferRequest): Promise<{ id: string }> {
    const t = await this.stripe.transfers
      .create(
        { amount: Number(req.usdCents), currency: 'usd', destination: req.destination, metadata: req.metadata, transfer_group: req.transferGroup },
        { idempotencyKey: req.idempotencyKey },
      )
      .catch(refused);
    return { id: t.id };
  }
}
