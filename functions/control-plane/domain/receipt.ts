/**
 * Settlement receipts: what one settled job cost and where the money went, as RFC 8785
 * canonical JSON signed with both algorithms (domain/signatures.ts). Money is decimal ACU
 * strings (µACU can pass 2^53), SCM is milli-SCM as a decimal string.
 */
import { canonicalBytes } from '../../platform/canonical-json.ts';
import { formatAcu } from '../../platform/money.ts';
import type { Settlement } from './metering.ts';
import { signBoth, verifyBoth, type DualVerdict, type KeyPair, type PublicKey, type Signature } from './signatures.ts';

export const RECEIPT_LABEL = 'vracu/settlement-receipt/v1';

export interface RcDraw {
  rcId: string;
  scmMilli: bigint;
}

export interface ReceiptFacts {
  jobId: string;
  buyerId: string;
  providerId: string;
  bucketId: string;
  slicesDigest: string;
  slices: number;
  settlement: Settlement;
  rcDraws: readonly RcDraw[];
  refundMicro: bigint;
  ledgerTransferIds: readonly string[];
  settledAt: string;
}

export type ReceiptBody = ReturnType<typeof receiptBody>;

export function receiptBody(f: ReceiptFacts) {
  const s = f.settlement;
  return {
    version: 1,
    jobId: f.jobId,
    buyerId: f.buyerId,
    providerId: f.providerId,
    bucketId: f.bucketId,
    slices: f.slices,
    slicesDigest: f.slicesDigest,
    scmMilli: s.meteredScmMilli.toString(),
    twap: formatAcu(s.twapMicro),
    rcDraws: f.rcDraws.map((d) => ({ rcId: d.rcId, scmMilli: d.scmMilli.toString() })),
    spotScmMilli: s.spotScmMilli.toString(),
    burn: formatAcu(s.burnMicro),
    providerAmount: formatAcu(s.providerMicro),
    hold: formatAcu(s.holdMicro),
    refund: formatAcu(f.refundMicro),
    ledgerTransferIds: [...f.ledgerTransferIds],
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
