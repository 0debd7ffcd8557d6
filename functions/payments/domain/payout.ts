/**
 * A provider payout. The amount leaves `provider:<id>` for its own hold account in one ledger
 * transfer (with the day's counter, so the daily limit holds under concurrency), then the rail
 * pays it:
 *
 *   PENDING ──rail paid──▶ PAID     (hold → mint: the ACU leave the exchange)
 *      └─────rail refused──▶ FAILED (hold → provider: the funds come back, once)
 *
 * Rails: `stripe` (a Connect transfer to `acct_…`, in whole cents: the amount held is exactly
 * the cents' worth, FLOOR, price.ts) and `chain` (ACU to a wallet, through the ChainWallet).
 */
import type { MicroAcu } from '../../platform/money.ts';

export const PAYOUT_RAILS = ['stripe', 'chain'] as const;
export type PayoutRail = (typeof PAYOUT_RAILS)[number];
export type PayoutStatus = 'PENDING' | 'PAID' | 'FAILED';

export interface Payout {
  payoutId: string;
  provider: string;
  rail: PayoutRail;
  destination: string;
  microAcu: MicroAcu;
  /** Stripe rail: the cents transferred; chain rail: 0. */
  usdCents: bigint;
  priceVersion: string;
  status: PayoutStatus;
  createdAt: string;
  updatedAt: string;
  /** The transfer id or transaction hash once paid; the refusal once failed. */
  reference?: string;
  failure?: string;
  /** The chain rail's one send was made (its outcome may be unknown until reconciliation). */
  attemptedAt?: string;
  /** On chain: the block the payout's transfer was mined in. */
  chainBlock?: number;
  /** The block up to which reconciliation matched it with the chain. */
  reconciledBlock?: number;
}

/** The UTC day a payout counts against. */
export const payoutDay = (iso: string): string => iso.slice(0, 10);

/** The hold account id: an escrow account per payout (the ledger's account kinds). */
export const payoutHoldName = (payoutId: string): string => `payout_${payoutId}`;
