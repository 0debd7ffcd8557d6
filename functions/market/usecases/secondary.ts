/**
 * Secondary market: listings and trades. Every write is guarded by the item's version,
 * so two trades on one listing can never both take the same SCU: the loser re-reads and
 * either fits in what is left or is told `trade_exceeds_listing`.
 */
import { AppError } from '../../platform/errors.ts';
import { marketError } from '../errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { transactWrite, type LabelledItem } from '../../platform/dynamo/transact.ts';
import { account, type Posting } from '../../ledger/index.ts';
import type { MarketDeps } from '../deps.ts';
import type { Rc } from '../domain/rc.ts';
import type { Scu } from '../domain/units.ts';
import { checkListing, checkTrade, planTrade, type Listing } from '../domain/secondary.ts';
import { listingOut, rcOut } from '../views.ts';
import { getListing, getRc, listingKeyMarkerOf } from '../store/reads.ts';
import { listingClose, listingCreate, listingFill, listingKeyMarker, rcChange, rcCreate, tradeCreate } from '../store/writes.ts';
import { replayOrReject, requestHash } from '../../platform/idempotency.ts';
import { backoff, GUARD_ATTEMPTS, keptChanging, lostGuard } from './contention.ts';

/**
 * With an Idempotency-Key, a marker item written in the same transaction makes a retry
 * (for example after a timeout whose outcome was unknown) return the first listing.
 */
export async function createListing(d: MarketDeps, sellerId: string, req: { rcId: string; scu: Scu; askMicro: bigint }, idempotencyKey?: string) {
  const { rt, store } = d;
  const hash = requestHash({ rcId: req.rcId, scu: req.scu.toString(), ask: req.askMicro.toString() });
  if (idempotencyKey) {
    const listingId = replayOrReject(await listingKeyMarkerOf(store, sellerId, idempotencyKey), hash, 'this Idempotency-Key');
    if (listingId) {
      const l = await getListing(store, listingId);
      if (l) return listingOut(l);
    }
  }
  for (let attempt = 1; ; attempt++) {
    const rc = await getRc(store, req.rcId);
    if (!rc) throw new AppError('not_found', `no RC ${req.rcId}`);
    const nowIso = isoAt(rt.clock.nowMs());
    const check = checkListing(rc, sellerId, req.scu, nowIso);
    if (!check.ok) throw marketError(check.code, check.detail, { rcId: rc.rcId });
    const listing: Listing = {
      listingId: rt.ids.next('lst'),
      rcId: rc.rcId,
      sellerId,
      providerId: rc.providerId,
      tenor: rc.tenor,
      scuListed: req.scu,
      scuAvailable: req.scu,
      askMicro: req.askMicro,
      status: 'OPEN',
      createdAt: nowIso,
      version: 0n,
    };
    try {
      await transactWrite(store.doc, [
        rcChange(store, rc, { listedScu: rc.listedScu + req.scu }),
        listingCreate(store, listing),
        ...(idempotencyKey ? [listingKeyMarker(store, { sellerId, key: idempotencyKey, listingId: listing.listingId, requestHash: hash })] : []),
      ]);
      return listingOut(listing);
    } catch (err) {
      // A concurrent request with the same key won: answer as it did.
      if (idempotencyKey && lostGuard(err, /^idempotency$/)) return createListing(d, sellerId, req, idempotencyKey);
      if (!lostGuard(err, /^rc:/)) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`RC ${req.rcId}`);
      await backoff(attempt);
    }
  }
}

export async function cancelListing(d: MarketDeps, userId: string, isAdmin: boolean, listingId: string) {
  const { store } = d;
  for (let attempt = 1; ; attempt++) {
    const l = await getListing(store, listingId);
    if (!l) throw new AppError('not_found', `no listing ${listingId}`);
    if (l.sellerId !== userId && !isAdmin) throw new AppError('forbidden', `listing ${listingId} is not yours`);
    // DELETE is idempotent: cancelling a cancelled listing answers as the first time did.
    if (l.status === 'CANCELLED') return listingOut(l);
    if (l.status !== 'OPEN') throw marketError('listing_not_open', `listing ${listingId} is ${l.status}`);
    const rc = await getRc(store, l.rcId);
    if (!rc) throw new Error(`listing ${listingId} names a missing RC ${l.rcId}`);
    try {
      await transactWrite(store.doc, [listingClose(store, l, 'CANCELLED'), rcChange(store, rc, { listedScu: rc.listedScu - l.scuAvailable })]);
      return listingOut({ ...l, status: 'CANCELLED' });
    } catch (err) {
      if (!lostGuard(err, /^(rc|listing):/)) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`listing ${listingId}`);
      await backoff(attempt);
    }
  }
}

export type TradeResult = ReturnType<typeof tradeResult>;

export async function executeTrade(
  d: MarketDeps,
  buyerId: string,
  req: { listingId: string; scu: Scu },
  idempotencyKey?: string,
): Promise<{ result: TradeResult; replayed: boolean }> {
  const { rt, ledger, store } = d;
  const key = `trade:${buyerId}:${idempotencyKey ?? rt.ids.next('req')}`;
  const hash = requestHash({ listingId: req.listingId, scu: req.scu.toString() });
  const prior = await ledger.replayOf<TradeResult>({ key, requestHash: hash });
  if (prior) return { result: prior.result, replayed: true };
  for (let attempt = 1; ; attempt++) {
    const listing = await getListing(store, req.listingId);
    if (!listing) throw new AppError('not_found', `no listing ${req.listingId}`);
    const rc = await getRc(store, listing.rcId);
    if (!rc) throw new Error(`listing ${listing.listingId} names a missing RC ${listing.rcId}`);
    const nowIso = isoAt(rt.clock.nowMs());
    const check = checkTrade(listing, rc, buyerId, req.scu, nowIso);
    if (!check.ok) throw marketError(check.code, check.detail, { listingId: listing.listingId, scuAvailable: Number(listing.scuAvailable) });
    const plan = planTrade(listing, rc, req.scu);
    const child: Rc = {
      ...rc,
      rcId: rt.ids.next('rc'),
      ownerId: buyerId,
      status: 'ACTIVE',
      maxScu: plan.child.maxScu,
      usedScu: 0n,
      listedScu: 0n,
      escrowMicro: plan.child.escrowMicro,
      createdAt: nowIso,
      parentRcId: rc.rcId,
      version: 0n,
    };
    const tradeId = rt.ids.next('trd');
    const postings: Posting[] = [{ from: account.user(buyerId), to: account.user(listing.sellerId), amount: plan.costMicro }];
    if (plan.escrowShareMicro > 0n) postings.push({ from: account.escrow(rc.rcId), to: account.escrow(child.rcId), amount: plan.escrowShareMicro });
    const extra: LabelledItem[] = [
      plan.listing.status === 'FILLED' ? listingClose(store, listing, 'FILLED') : listingFill(store, listing, plan.listing.scuAvailable),
      rcChange(store, rc, { maxScu: plan.parent.maxScu, listedScu: plan.parent.listedScu, escrowMicro: plan.parent.escrowMicro, status: plan.parent.status }),
      rcCreate(store, child, 'child'),
    ];
    const result = tradeResult({ tradeId, listing, rc, child, buyerId, scu: req.scu, plan, at: nowIso });
    extra.push(tradeCreate(store, result));
    try {
      const out = await ledger.transfer({ key, requestHash: hash, postings, memo: `trade ${tradeId}`, extra, result });
      return { result: out.result, replayed: out.replayed };
    } catch (err) {
      if (!lostGuard(err, /^(rc|listing):/)) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`listing ${req.listingId}`);
      await backoff(attempt);
    }
  }
}

function tradeResult(t: {
  tradeId: string;
  listing: Listing;
  rc: Rc;
  child: Rc;
  buyerId: string;
  scu: bigint;
  plan: ReturnType<typeof planTrade>;
  at: string;
}) {
  return {
    tradeId: t.tradeId,
    listingId: t.listing.listingId,
    parentRcId: t.rc.rcId,
    buyerRcId: t.child.rcId,
    buyerId: t.buyerId,
    sellerId: t.listing.sellerId,
    scu: Number(t.scu),
    price: formatAcu(t.listing.askMicro),
    total: formatAcu(t.plan.costMicro),
    escrowMoved: formatAcu(t.plan.escrowShareMicro),
    listingScuAvailable: Number(t.plan.listing.scuAvailable),
    listingStatus: t.plan.listing.status,
    at: t.at,
    buyerRc: rcOut(t.child),
  };
}
