/**
 * Metering slices and settlement receipts. The providers' billing at job end calls, through
 * index.ts: `meteredSettlement` (the amounts, from the metered slices) before it moves the
 * money, then `issueReceipt` with the ledger transfer ids after. Issuing is idempotent: a
 * job's receipt is written once and the first one stands.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { ControlPlaneDeps } from '../deps.ts';
import { controlPlaneError } from '../errors.ts';
import { settle, sliceDigest, slicesDigest, type Settlement, type Slice } from '../domain/metering.ts';
import { receiptBody, signReceipt, type RcDraw, type SignedReceipt } from '../domain/receipt.ts';
import { publicKeys, type PublicKey } from '../domain/signatures.ts';
import { getReceipt, putReceipt, putSlice, slicesOf } from '../store/receipts.ts';

/** Records a slice: an exact duplicate succeeds silently ('duplicate'); another slice at the same (job, seq) is refused. */
export async function recordSlice(d: ControlPlaneDeps, s: Slice): Promise<{ digest: string; outcome: 'written' | 'duplicate' }> {
  const digest = sliceDigest(s);
  const outcome = await putSlice(d.store, s, digest, isoAt(d.rt.clock.nowMs()));
  if (outcome === 'conflict') throw controlPlaneError('slice_conflict', `job ${s.jobId} already has a different slice at seq ${s.seq}`);
  return { digest, outcome };
}

export async function meteredSettlement(
  d: ControlPlaneDeps,
  q: { jobId: string; coveredScmMilli: bigint; holdBps: bigint; fallbackPriceMicro: bigint },
): Promise<Settlement & { slices: number }> {
  const slices = await slicesOf(d.store, q.jobId);
  return { ...settle(slices, q.coveredScmMilli, q.holdBps, q.fallbackPriceMicro), slices: slices.length };
}

export interface IssueReceipt {
  jobId: string;
  buyerId: string;
  providerId: string;
  bucketId: string;
  coveredScmMilli: bigint;
  rcDraws: readonly RcDraw[];
  holdBps: bigint;
  fallbackPriceMicro: bigint;
  refundMicro: bigint;
  ledgerTransferIds: readonly string[];
}

export async function issueReceipt(d: ControlPlaneDeps, i: IssueReceipt): Promise<{ receipt: SignedReceipt; replayed: boolean }> {
  const existing = await getReceipt(d.store, i.jobId);
  if (existing) return { receipt: existing, replayed: true };
  const slices = await slicesOf(d.store, i.jobId);
  const body = receiptBody({
    jobId: i.jobId,
    buyerId: i.buyerId,
    providerId: i.providerId,
    bucketId: i.bucketId,
    slices: slices.length,
    slicesDigest: slicesDigest(slices),
    settlement: settle(slices, i.coveredScmMilli, i.holdBps, i.fallbackPriceMicro),
    rcDraws: i.rcDraws,
    refundMicro: i.refundMicro,
    ledgerTransferIds: i.ledgerTransferIds,
    settledAt: isoAt(d.rt.clock.nowMs()),
  });
  const signed = signReceipt(d.signingKeys(), body);
  if ((await putReceipt(d.store, signed)) === 'exists') return { receipt: (await getReceipt(d.store, i.jobId))!, replayed: true };
  return { receipt: signed, replayed: false };
}

/** A job's receipt, for its buyer, its provider, an operator or an admin; anyone else sees none. */
export async function receiptFor(d: ControlPlaneDeps, p: Principal, jobId: string): Promise<SignedReceipt> {
  const r = await getReceipt(d.store, jobId);
  const staff = p.roles.includes('operator') || p.roles.includes('admin');
  if (!r || !(staff || r.receipt.buyerId === p.id || r.receipt.providerId === p.id))
    throw controlPlaneError('receipt_not_found', `no receipt for job ${jobId}`);
  return r;
}

export const signingPublicKeys = (d: ControlPlaneDeps): PublicKey[] => publicKeys(d.signingKeys());
