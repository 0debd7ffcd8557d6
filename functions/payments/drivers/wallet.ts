/**
 * The on-chain wallet port: what payments needs from a chain. One real implementation
 * (chain-wallet.ts, ethers over JSON-RPC); the local stack runs it against anvil.
 * Amounts cross this port in µACU; base units appear only where the chain's own numbers are
 * reported back. Refusals by the chain become ChainRejectedError with a stable code; transport
 * failures (RPC down, timeouts) pass through unchanged, and after one the transaction's fate is
 * unknown: the caller must reconcile before it sends again.
 */
import type { MicroAcu } from '../../platform/money.ts';
import type { ConversionEvent, TransferEvent } from '../domain/reconcile.ts';
import type { BaseUnits } from '../domain/units.ts';

export interface ConversionReceipt {
  txHash: string;
  blockNumber: number;
  microAcu: MicroAcu;
  acuBaseUnits: BaseUnits;
  /** What the router burnt, as its ConversionExecuted log says. */
  avlBurnedBaseUnits: BaseUnits;
  /** Checksummed. */
  recipient: string;
}

export interface PayoutReceipt {
  txHash: string;
  blockNumber: number;
  microAcu: MicroAcu;
  baseUnits: BaseUnits;
  /** Checksummed. */
  to: string;
}

/** Inclusive on both ends, as eth_getLogs counts. */
export interface BlockRange {
  fromBlock: number;
  toBlock: number;
}

export interface ChainWallet {
  /** The wallet's address: the router's operator, and the custody the ACU is paid into by default. */
  readonly address: string;
  readonly acuDecimals: number;
  /** After a ledger mint: burns the oracle's quote of AVL for `microAcu` of ACU paid to `recipient` (default: the wallet). */
  convert(req: { microAcu: MicroAcu; recipient?: string }): Promise<ConversionReceipt>;
  /** An on-chain payout: an ACU transfer from the wallet. */
  payout(req: { to: string; microAcu: MicroAcu }): Promise<PayoutReceipt>;
  /** Every ConversionExecuted of the router in the range, whoever the operator was, in chain order. */
  conversions(range: BlockRange): Promise<ConversionEvent[]>;
  /** Every ACU Transfer out of the wallet in the range (its payouts), in chain order. */
  payoutTransfers(range: BlockRange): Promise<TransferEvent[]>;
  blockNumber(): Promise<number>;
}

/** Why the chain refused, as facts. */
export type ChainRejection =
  | 'invalid_address'
  | 'invalid_range'
  | 'paused'
  | 'not_operator'
  | 'not_authorized'
  | 'zero_recipient'
  | 'zero_amount'
  | 'spend_limit'
  | 'zero_quote'
  | 'insufficient_avl'
  | 'insufficient_acu'
  | 'reserve_insufficient'
  | 'insufficient_allowance'
  | 'token_refused'
  | 'reverted';

export class ChainRejectedError extends Error {
  constructor(
    readonly code: ChainRejection,
    /** The revert as the chain gave it: the require message, or `Name(args…)`. */
    readonly detail: string,
  ) {
    super(`chain refused (${code}): ${detail}`);
    this.name = 'ChainRejectedError';
  }
}
