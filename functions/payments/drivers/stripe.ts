/**
 * The Stripe port: what payments asks of Stripe's API. Two adapters: stripe-api.ts (the
 * `stripe` package over HTTPS) and stripe-offline.ts (no network: the local stack without a
 * key, and tests). Webhook verification needs no network and is not on this port
 * (stripe-webhook.ts). Each call carries an idempotency key, so a retried call after a
 * timeout makes nothing twice at Stripe.
 */
export interface CheckoutRequest {
  /** Stripe's Idempotency-Key header. */
  idempotencyKey: string;
  usdCents: bigint;
  /** Line item name the buyer sees. */
  description: string;
  /** Our payment id (client_reference_id). */
  reference: string;
  /** Copied onto the session and its PaymentIntent. */
  metadata: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutSession {
  id: string;
  url: string;
}

export interface TransferRequest {
  idempotencyKey: string;
  usdCents: bigint;
  /** The provider's connected account, `acct_…`. */
  destination: string;
  metadata: Record<string, string>;
  transferGroup: string;
}

export interface StripeGateway {
  createCheckoutSession(req: CheckoutRequest): Promise<CheckoutSession>;
  /** A Stripe Connect transfer to a connected account. */
  createTransfer(req: TransferRequest): Promise<{ id: string }>;
}

/** Stripe refused the request (4xx): a fact about the request, not a transport failure. */
export class StripeRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`Stripe refused: ${code}: ${message}`);
    this.name = 'StripeRefusedError';
  }
}
