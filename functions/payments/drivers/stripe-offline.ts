/**
 * The Stripe port without a network: the local stack when no Stripe key is configured, and
 * tests. It answers as Stripe would (ids, a checkout URL), remembers what it was asked, and
 * honours idempotency keys (the same key → the same object). `failTransfers` makes the
 * transfer rail refuse, for the payout failure path.
 */
import { createHash } from 'node:crypto';
import { StripeRefusedError, type CheckoutRequest, type CheckoutSession, type StripeGateway, type TransferRequest } from './stripe.ts';

const idFor = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

export class OfflineStripe implements StripeGateway {
  readonly sessions = new Map<string, CheckoutRequest & CheckoutSession>();
  readonly transfers = new Map<string, TransferRequest & { id: string }>();
  failTransfers: string | null = null;

  constructor(private readonly checkoutBase = 'http://127.0.0.1/checkout') {}

  async createCheckoutSession(req: CheckoutRequest): Promise<CheckoutSession> {
    const prior = this.sessions.get(req.idempotencyKey);
    if (prior) return { id: prior.id, url: prior.url };
    const id = idFor('cs_test', req.idempotencyKey);
    const s = { ...req, id, url: `${this.checkoutBase}/${id}` };
    this.sessions.set(req.idempotencyKey, s);
    return { id, url: s.url };
  }

  async createTransfer(req: TransferRequest): Promise<{ id: string }> {
    if (this.failTransfers) throw new StripeRefusedError(this.failTransfers, 'the transfer was refused');
    const prior = this.transfers.get(req.idempotencyKey);
    if (prior) return { id: prior.id };
    const id = idFor('tr', req.idempotencyKey);
    this.transfers.set(req.idempotencyKey, { ...req, id });
    return { id };
  }
}
