/**
 * Settlement receipts: what one settled job cost and where the money went, as RFC 8785
 * canonical JSON signed with both algorithms (domain/signatures.ts). Money is decimal ACU
 * strings (µACU can pass 2^53), SCM is milli-SCM as a decimal string.
 */
import { canonicalBytes } from '../../platform/canonical-json.ts';
import { formatAcu } from '../../platform/money.ts';
import type { MeteredUsage } from './metering.ts';
import { signBoth, verifyBoth, type DualVerdict, type KeyPair, type PublicKey, type Signature } from './signatures.ts';

export const RECEIPT_LABEL = 'vracu/settlement-receipt/v1';

export interface RcDraw {
  rcId: string;
  scm: bigint;
  amountMicro: bigint;
}

/** What the one settlement transfer moved for this job (the market's result for it). */
export interface SettledAmounts {
  /** Billed SCM: from the slices (METER_CEIL) or from the attested runtime. */
  scm: bigint;
  basis: 'metered' | 'runtime';
  coveredScm: bigint;
  spotScm: bigint;
  /** µACU per SCM the spot part paid: the slices' TWAP, or the spot price at settlement. */
  twapMicro: bigint;
  rcDraws: readonly RcDraw[];
  /** The spot part's cost (spotScm × TWAP), paid from the buyer's balance, the rest as arrears. */
  burnMicro: bigint;
  arrearsMicro: bigint;
  /** Held for the dispute window (of the spot part). */
  holdMicro: bigint;
  /** Paid to the provider now: the RC draws and the spot part, less the hold. */
  providerMicro: bigint;
  ledgerTransferIds: readonly string[];
}

export interface ReceiptFacts {
  jobId: string;
  buyerId: string;
  providerId: string;
  bucketId: string;
  usage: Pick<MeteredUsage, 'slices' | 'slicesDigest' | 'scmMilli'>;
  settled: SettledAmounts;
  settledAt: string;
}

export type ReceiptBody = ReturnType<typeof receiptBody>;

export function receiptBody(f: ReceiptFacts) {
  const s = f.settled;
  return {
    version: 2,
    jobId: f.jobId,
    buyerId: f.buyerId,
    providerId: f.providerId,
    bucketId: f.bucketId,
    slices: f.usage.slices,
    slicesDigest: f.usage.slicesDigest,
    meteredScmMilli: f.usage.scmMilli.toString(),
    basis: s.basis,
    scm: s.scm.toString(),
    rcDraws: s.rcDraws.map((d) => ({ rcId: d.rcId, scm: d.scm.toString(), amount: formatAcu(d.amountMicro) })),
    spotScm: s.spotScm.toString(),
    twap: formatAcu(s.twapMicro),
    burn: formatAcu(s.burnMicro),
    arrears: formatAcu(s.arrearsMicro),
    providerAmount: formatAcu(s.providerMicro),
    hold: formatAcu(s.holdMicro),
    // A refund is a later decision on the hold (market holds.ts); none at settlement.
    refund: formatAcu(0n),
    ledgerTransferIds: [...s.ledgerTransferIds],
    settledAt: f.settledAt,
  };
}

export interface SignedReceipt {
  receipt: ReceiptBody;
  signatures: Signature[];
}

export const signReceipt = (k: KeyPair, body: ReceiptBody): SignedReceipt => ({ receipt: body, signatures: signBoth(k, RECEIPT_LABEL, canonicalBytes(body)) });

export const verifyReceipt = (keys: readonly PublicKey[], r: SignedReceipt): DualVerdict =>
  verifyBoth(keys, r.signatures, RECEIPT_LABEL, canonicalBytes(r.receipt));
