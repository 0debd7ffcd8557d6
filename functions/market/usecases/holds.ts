/**
 * Settlement holds after the settlement (domain/holds.ts): the schedule releases the holds
 * whose window ended, the buyer disputes one in its window, an operator decides a disputed
 * one. Each release or refund is one ledger transfer out of `hold:<provider>` with the hold's
 * guarded move in it, keyed `hold:<jobId>`: run twice, it moves the money once.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { formatAcu } from '../../platform/money.ts';
import { requestHash } from '../../platform/idempotency.ts';
import { TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import { account } from '../../ledger/index.ts';
import type { MarketDeps } from '../deps.ts';
import { marketError } from '../errors.ts';
import { disputeRefusal, statusAfterAward, type Award, type Hold, type HoldStatus } from '../domain/holds.ts';
import { disputedHolds, dueHolds, getHold, holdSettled, markDisputed } from '../store/holds.ts';

export const holdView = (h: Hold) => ({
  jobId: h.jobId,
  buyerId: h.userId,
  providerId: h.providerId,
  amount: formatAcu(h.amountMicro),
  releaseAt: h.releaseAt,
  status: h.status,
  dispute: h.dispute ?? null,
  settledAt: h.settledAt ?? null,
  transferId: h.transferId ?? null,
});
export type HoldView = ReturnType<typeof holdView>;

/** Moves a hold's money to the provider (RELEASED) or back to the buyer (REFUNDED); the hold as it is after, and whether this call moved it. */
async function settleHold(d: MarketDeps, h: Hold, to: 'RELEASED' | 'REFUNDED'): Promise<{ hold: Hold; moved: boolean }> {
  const at = isoAt(d.rt.clock.nowMs());
  const transferId = d.rt.ids.next('txn');
  const dest = to === 'RELEASED' ? account.provider(h.providerId) : account.user(h.userId);
  try {
    const out = await d.ledger.transfer({
      key: `hold:${h.jobId}`,
      requestHash: requestHash({ jobId: h.jobId, to }),
      postings: [{ from: account.hold(h.providerId), to: dest, amount: h.amountMicro }],
      memo: `hold of job ${h.jobId} ${to.toLowerCase()}`,
      extra: [holdSettled(d.store, { jobId: h.jobId, from: h.status, to, at, transferId })],
      result: { jobId: h.jobId, status: to },
      transferId,
    });
    // This call moved it: the hold is what the transaction wrote (a replay did not: read it).
    if (!out.replayed) return { hold: { ...h, status: to, settledAt: at, transferId }, moved: true };
  } catch (err) {
    // Moved meanwhile (another run of the schedule, a dispute, a decision): the record says how.
    if (!(err instanceof TransactionCancelledError && err.failed('hold'))) throw err;
  }
  const after = (await getHold(d.store, h.jobId)) ?? h;
  return { hold: after, moved: after.transferId === transferId };
}

export interface ReleaseOutcome {
  released: number;
  /** Holds found due that had moved by the time they were released. */
  skipped: number;
}

/** The `settlement-holds` schedule: every HELD hold whose window ended goes to its provider. */
export async function releaseDueHolds(d: MarketDeps, limit = 200): Promise<ReleaseOutcome> {
  const due = await dueHolds(d.store, isoAt(d.rt.clock.nowMs()), limit);
  let released = 0;
  for (const h of due) {
    if ((await settleHold(d, h, 'RELEASED')).moved) released++;
  }
  return { released, skipped: due.length - released };
}

/** The hold of a job: its buyer, its provider, operators and admins see it; others get 404. */
export async function holdFor(d: MarketDeps, p: Principal, jobId: string): Promise<Hold> {
  const h = await getHold(d.store, jobId);
  const staff = p.roles.includes('operator') || p.roles.includes('admin');
  if (!h || !(staff || h.userId === p.id || h.providerId === p.id)) throw marketError('hold_not_found', `job ${jobId} has no settlement hold`);
  return h;
}

/** The buyer disputes a HELD hold within its window: the schedule then leaves it to an operator. */
export async function disputeHold(d: MarketDeps, p: Principal, jobId: string, reason: string): Promise<Hold> {
  const h = await holdFor(d, p, jobId);
  if (h.userId !== p.id) throw marketError('hold_not_found', `job ${jobId} has no settlement hold of yours`);
  const now = isoAt(d.rt.clock.nowMs());
  const refusal = disputeRefusal(h, now);
  if (refusal) throw marketError('hold_not_disputable', refusal, { status: h.status, releaseAt: h.releaseAt });
  if (!(await markDisputed(d.store, jobId, reason, now))) {
    const moved = (await getHold(d.store, jobId))!;
    throw marketError('hold_not_disputable', disputeRefusal(moved, now) ?? 'the hold moved meanwhile', { status: moved.status, releaseAt: moved.releaseAt });
  }
  return (await getHold(d.store, jobId))!;
}

/** An operator's decision on a disputed hold. */
export async function decideDispute(d: MarketDeps, jobId: string, award: Award): Promise<Hold> {
  const h = await getHold(d.store, jobId);
  if (!h) throw marketError('hold_not_found', `job ${jobId} has no settlement hold`);
  const to = statusAfterAward(award) as 'RELEASED' | 'REFUNDED';
  if (h.status !== 'DISPUTED') {
    // The same decision again answers what it did; anything else is refused.
    if (h.status === to) return h;
    throw marketError('hold_not_disputed', `the hold is ${h.status.toLowerCase()}, not disputed`, { status: h.status });
  }
  const { hold: after } = await settleHold(d, h, to);
  if (after.status !== to) throw marketError('hold_not_disputed', `the hold is ${after.status.toLowerCase()}`, { status: after.status });
  return after;
}

export const disputedList = (d: MarketDeps): Promise<Hold[]> => disputedHolds(d.store);
export type { HoldStatus };
