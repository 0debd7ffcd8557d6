/**
 * Metering slices and settlement receipts. The billing at job end calls, through index.ts:
 * `usageOf` (the job's metered SCM and TWAP) before the market's settlement transfer, then
 * `issueReceipt` with what that transfer moved. Issuing is idempotent: a job's receipt is
 * written once and the first one stands.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { ControlPlaneDeps } from '../deps.ts';
import { controlPlaneError } from '../errors.ts';
import { meteredUsage, sliceDigest, type MeteredUsage, type Slice } from '../domain/metering.ts';
import { receiptBody, signReceipt, type ReceiptFacts, type SignedReceipt } from '../domain/receipt.ts';
import { publicKeys, type PublicKey } from '../domain/signatures.ts';
import { getReceipt, putReceipt, putSlice, slicesOf } from '../store/receipts.ts';
import { publishSigningKeys } from './transparency.ts';

/** Records a slice: an exact duplicate succeeds silently ('duplicate'); another slice at the same (job, seq) is refused. */
export async function recordSlice(d: ControlPlaneDeps, s: Slice): Promise<{ digest: string; outcome: 'written' | 'duplicate' }> {
  const digest = sliceDigest(s);
  const outcome = await putSlice(d.store, s, digest, isoAt(d.rt.clock.nowMs()));
  if (outcome === 'conflict') throw controlPlaneError('slice_conflict', `job ${s.jobId} already has a different slice at seq ${s.seq}`);
  return { digest, outcome };
}

/** A job's metered usage (no slices: zero SCM, no TWAP). */
export async function usageOf(d: Pick<ControlPlaneDeps, 'store'>, jobId: string): Promise<MeteredUsage> {
  return meteredUsage(await slicesOf(d.store, jobId));
}

export type IssueReceipt = Omit<ReceiptFacts, 'settledAt'>;

/** Compositions whose signer keys are known to be in the key log (logging is idempotent; this saves its reads). */
const signersLogged = new WeakSet<ControlPlaneDeps>();

export async function issueReceipt(d: ControlPlaneDeps, i: IssueReceipt): Promise<{ receipt: SignedReceipt; replayed: boolean }> {
  // No read first: a redelivery (rare) signs again and its write finds the first receipt there.
  // The signer's keys are in the key transparency log before its first receipt exists.
  if (!signersLogged.has(d)) {
    await publishSigningKeys(d);
    signersLogged.add(d);
  }
  const signed = signReceipt(d.signingKeys(), receiptBody({ ...i, settledAt: isoAt(d.rt.clock.nowMs()) }));
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
