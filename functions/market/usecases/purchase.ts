/**
 * Purchase by quote. One ledger transfer commits everything: the buyer's payment (commit
 * fee to each provider, usage fee to each new RC's escrow), the capacity counters (each
 * guarded so sold never exceeds max: concurrent buyers cannot oversell), the RCs and the
 * quote's OPEN → PURCHASED change. Idempotent by `Idempotency-Key` (else by quote id).
 */
import { AppError } from '../../platform/errors.ts';
import { marketError } from '../errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import { account, type Posting } from '../../ledger/index.ts';
import type { MarketDeps } from '../deps.ts';
import { isTenor, tenorMs, type Tenor } from '../domain/catalog.ts';
import { planPurchase } from '../domain/purchase.ts';
import type { Offer } from '../domain/quote.ts';
import type { Rc } from '../domain/rc.ts';
import { rcOut } from '../views.ts';
import { getQuoteItem, offerOf, providerState } from '../store/reads.ts';
import { capacityReserve, quotePurchased, rcCreate } from '../store/writes.ts';
import { allocationsFromItem } from './quote.ts';
import { requestHash } from '../../platform/idempotency.ts';

export type PurchaseResult = ReturnType<typeof purchaseResult>;

/**
 * Rejections, in the order they are checked (each writes nothing): a replay first (the same
 * key and request answer as the first time did, even once the quote has been used or has
 * expired; another request under the key → `exists_with_different_payload`), then
 * `quote_not_found` (missing or another's), `conflict` (already purchased), `quote_expired`,
 * `unknown_tenor`, `capacity_exhausted` (nothing was allocated), `price_drifted`,
 * `capacity_exhausted` (a provider has less left than the quote reserved), and from the
 * transaction `insufficient_funds`, `capacity_exhausted` (a concurrent buyer won) or
 * `conflict` (a concurrent purchase of the same quote won).
 */
export async function purchase(
  d: MarketDeps,
  userId: string,
  quoteId: string,
  idempotencyKey?: string,
  maxDriftBps?: number,
): Promise<{ result: PurchaseResult; replayed: boolean }> {
  const { rt, ledger, store } = d;
  const key = `purchase:${userId}:${idempotencyKey ?? quoteId}`;
  const hash = requestHash({ quoteId, maxDriftBps: maxDriftBps ?? null });
  const prior = await ledger.replayOf<PurchaseResult>({ key, requestHash: hash });
  if (prior) return { result: prior.result, replayed: true };
  const q = await getQuoteItem(store, quoteId);
  if (!q || q.ownerId !== userId) throw marketError('quote_not_found', `no quote ${quoteId}`);
  if (q.status !== 'OPEN') throw new AppError('conflict', `quote ${quoteId} was already purchased`);
  const now = rt.clock.nowMs();
  if (String(q.expiresAt) <= isoAt(now)) throw marketError('quote_expired', `quote ${quoteId} expired at ${String(q.expiresAt)}; ask for a new one`);
  const tenor = String(q.tenor);
  if (!isTenor(tenor)) throw marketError('unknown_tenor', `quote ${quoteId} has an unknown tenor`);
  const allocations = allocationsFromItem(q.allocations);
  if (allocations.length === 0) throw marketError('capacity_exhausted', `quote ${quoteId} has no allocations: no capacity was available`);

  const offers = new Map<string, Offer>();
  const states = await Promise.all(allocations.map((a) => providerState(store, a.providerId)));
  for (const s of states) {
    const o = s && offerOf(s, tenor);
    if (o) offers.set(o.provider.id, o);
  }
  const plan = planPurchase(allocations, offers, tenor, maxDriftBps === undefined ? undefined : BigInt(maxDriftBps) * 100n);
  if (!plan.ok && plan.reason === 'price_drifted') {
    throw marketError(
      'price_drifted',
      `the lock price of ${plan.providerId} moved from ${formatAcu(plan.quotedLockMicro)} to ${formatAcu(plan.currentLockMicro)}`,
      {
        providerId: plan.providerId,
        quotedPrice: formatAcu(plan.quotedLockMicro),
        currentPrice: formatAcu(plan.currentLockMicro),
      },
    );
  }
  if (!plan.ok) throw capacityExhausted(plan.providerId, plan.remainingScu);

  const createdAt = isoAt(now);
  const expiresAt = isoAt(now + tenorMs(tenor));
  const postings: Posting[] = [];
  const extra: LabelledItem[] = [quotePurchased(store, quoteId)];
  const rcs: Rc[] = plan.lines.map((l) => {
    const provider = offers.get(l.providerId)!.provider;
    return {
      rcId: rt.ids.next('rc'),
      ownerId: userId,
      providerId: l.providerId,
      gpuProfile: provider.gpuProfile,
      region: provider.region,
      tenor: tenor as Tenor,
      status: 'ACTIVE',
      maxScu: l.scu,
      usedScu: 0n,
      listedScu: 0n,
      lockMicro: l.lockMicro,
      commitMicro: l.commitMicro,
      usageMicro: l.usageMicro,
      escrowMicro: l.escrowMicro,
      createdAt,
      expiresAt,
      parentRcId: null,
      version: 0n,
    };
  });
  plan.lines.forEach((l, i) => {
    const rc = rcs[i]!;
    if (l.commitTotalMicro > 0n) postings.push({ from: account.user(userId), to: account.provider(l.providerId), amount: l.commitTotalMicro });
    if (l.escrowMicro > 0n) postings.push({ from: account.user(userId), to: account.escrow(rc.rcId), amount: l.escrowMicro });
    extra.push(capacityReserve(store, { providerId: l.providerId, tenor, scu: l.scu, maxScu: offers.get(l.providerId)!.maxScu, soldLimitScu: l.soldLimitScu }));
    extra.push(rcCreate(store, rc));
  });
  const result = purchaseResult(quoteId, plan, rcs);
  try {
    const out = await ledger.transfer({ key, requestHash: hash, postings, memo: `purchase ${quoteId}`, extra, result });
    return { result: out.result, replayed: out.replayed };
  } catch (err) {
    if (!(err instanceof TransactionCancelledError)) throw err;
    const cap = err.failed(/^capacity:/);
    if (cap) throw capacityExhausted(cap.label.split(':')[1]!, null);
    if (err.failed('quote')) throw new AppError('conflict', `quote ${quoteId} was already purchased`);
    throw err;
  }
}

function purchaseResult(quoteId: string, plan: Extract<ReturnType<typeof planPurchase>, { ok: true }>, rcs: Rc[]) {
  return {
    quoteId,
    total: formatAcu(plan.totalMicro),
    commitTotal: formatAcu(plan.lines.reduce((s, l) => s + l.commitTotalMicro, 0n)),
    escrowTotal: formatAcu(plan.lines.reduce((s, l) => s + l.escrowMicro, 0n)),
    reservations: rcs.map(rcOut),
  };
}

function capacityExhausted(providerId: string, remaining: bigint | null): AppError {
  return marketError('capacity_exhausted', `provider ${providerId} no longer has the capacity this quote reserved`, {
    providerId,
    ...(remaining !== null ? { remainingScu: Number(remaining) } : {}),
  });
}
