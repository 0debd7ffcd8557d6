/**
 * Secondary market: listings and trades. Every write is guarded by the item's version,
 * so two trades on one listing can never both take the same SCU: the loser re-reads and
 * either fits in what is left or is told `trade_exceeds_listing`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../platform/errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { transactWrite, type LabelledItem } from '../../platform/dynamo/transact.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { account, ledgerFor, type Posting } from '../../ledger/index.ts';
import type { Rc } from '../domain/rc.ts';
import { checkListing, checkTrade, planTrade, type Listing } from '../domain/secondary.ts';
import { listingOut, rcItem, rcOut } from '../store/codec.ts';
import { listingKey, OPEN_LISTINGS_GSI, rcKey, tradeKey } from '../store/keys.ts';
import { getListing, getRc } from '../store/reads.ts';
import { replayOrReject, requestHash } from '../../platform/idempotency.ts';
import { backoff, GUARD_ATTEMPTS, keptChanging, lostGuard } from './contention.ts';

function rcVersionGuard(rt: Runtime, rc: Rc, set: string, values: Record<string, unknown>, names: Record<string, string> = {}): LabelledItem {
  return {
    label: `rc:${rc.rcId}`,
    item: {
      Update: {
        TableName: rt.table('market'),
        Key: rcKey(rc.rcId),
        UpdateExpression: `SET ${set}, version = :nv`,
        ConditionExpression: 'version = :v',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: { ...values, ':v': rc.version, ':nv': rc.version + 1n },
      },
    },
  };
}

/**
 * With an Idempotency-Key, a marker item written in the same transaction makes a retry
 * (for example after a timeout whose outcome was unknown) return the first listing.
 */
export async function createListing(rt: Runtime, sellerId: string, req: { rcId: string; scu: bigint; askMicro: bigint }, idempotencyKey?: string) {
  const marker = idempotencyKey ? { pk: `LSTIDEM#${sellerId}#${idempotencyKey}`, sk: 'IDEM' } : undefined;
  const hash = requestHash({ rcId: req.rcId, scu: req.scu.toString(), ask: req.askMicro.toString() });
  if (marker) {
    const prior = await rt.doc.send(new GetCommand({ TableName: rt.table('market'), Key: marker, ConsistentRead: true }));
    const listingId = replayOrReject(prior.Item && { requestHash: String(prior.Item.requestHash), result: String(prior.Item.listingId) }, hash, 'this Idempotency-Key');
    if (listingId) {
      const l = await getListing(rt, listingId);
      if (l) return listingOut(l);
    }
  }
  for (let attempt = 1; ; attempt++) {
    const rc = await getRc(rt, req.rcId);
    if (!rc) throw new AppError('not_found', `no RC ${req.rcId}`);
    const nowIso = isoAt(rt.clock.nowMs());
    const check = checkListing(rc, sellerId, req.scu, nowIso);
    if (!check.ok) throw new AppError(check.code, check.detail, { rcId: rc.rcId });
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
      await transactWrite(rt.doc, [
        rcVersionGuard(rt, rc, 'listedScu = :l', { ':l': rc.listedScu + req.scu }),
        { label: 'listing', item: { Put: { TableName: rt.table('market'), Item: listingItem(listing), ConditionExpression: 'attribute_not_exists(pk)' } } },
        ...(marker ? [{ label: 'idempotency', item: { Put: { TableName: rt.table('market'), Item: { ...marker, kind: 'listingKey', listingId: listing.listingId, requestHash: hash }, ConditionExpression: 'attribute_not_exists(pk)' } } }] : []),
      ]);
      return listingOut(listing);
    } catch (err) {
      // A concurrent request with the same key won: answer as it did.
      if (marker && lostGuard(err, /^idempotency$/)) return createListing(rt, sellerId, req, idempotencyKey);
      if (!lostGuard(err, /^rc:/)) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`RC ${req.rcId}`);
      await backoff(attempt);
    }
  }
}

export function listingItem(l: Listing): Record<string, unknown> {
  return {
    ...listingKey(l.listingId),
    kind: 'listing',
    ...l,
    gsi2pk: `RCLST#${l.rcId}`,
    gsi2sk: l.listingId,
    ...(l.status === 'OPEN' ? { gsi1pk: OPEN_LISTINGS_GSI, gsi1sk: `${l.createdAt}#${l.listingId}` } : {}),
  };
}

/** Closing a listing (cancel or expiry) gives its unsold SCU back to the RC. */
export function closeListingItem(rt: Runtime, l: Listing, status: 'CANCELLED' | 'FILLED'): LabelledItem {
  return {
    label: `listing:${l.listingId}`,
    item: {
      Update: {
        TableName: rt.table('market'),
        Key: listingKey(l.listingId),
        UpdateExpression: 'SET #s = :s, version = :nv REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'version = :v AND #s = :open',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':v': l.version, ':nv': l.version + 1n, ':open': 'OPEN' },
      },
    },
  };
}

export async function cancelListing(rt: Runtime, userId: string, isAdmin: boolean, listingId: string) {
  for (let attempt = 1; ; attempt++) {
    const l = await getListing(rt, listingId);
    if (!l) throw new AppError('not_found', `no listing ${listingId}`);
    if (l.sellerId !== userId && !isAdmin) throw new AppError('forbidden', `listing ${listingId} is not yours`);
    // DELETE is idempotent: cancelling a cancelled listing answers as the first time did.
    if (l.status === 'CANCELLED') return listingOut(l);
    if (l.status !== 'OPEN') throw new AppError('listing_not_open', `listing ${listingId} is ${l.status}`);
    const rc = await getRc(rt, l.rcId);
    if (!rc) throw new Error(`listing ${listingId} names a missing RC ${l.rcId}`);
    try {
      await transactWrite(rt.doc, [closeListingItem(rt, l, 'CANCELLED'), rcVersionGuard(rt, rc, 'listedScu = :l', { ':l': rc.listedScu - l.scuAvailable })]);
      return listingOut({ ...l, status: 'CANCELLED' });
    } catch (err) {
      if (!lostGuard(err, /^(rc|listing):/)) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`listing ${listingId}`);
      await backoff(attempt);
    }
  }
}

export type TradeResult = ReturnType<typeof tradeResult>;

export async function executeTrade(rt: Runtime, buyerId: string, req: { listingId: string; scu: bigint }, idempotencyKey?: string): Promise<{ result: TradeResult; replayed: boolean }> {
  const ledger = ledgerFor(rt);
  const key = `trade:${buyerId}:${idempotencyKey ?? rt.ids.next('req')}`;
  const hash = requestHash({ listingId: req.listingId, scu: req.scu.toString() });
  const prior = await ledger.replayOf<TradeResult>({ key, requestHash: hash });
  if (prior) return { result: prior.result, replayed: true };
  for (let attempt = 1; ; attempt++) {
    const listing = await getListing(rt, req.listingId);
    if (!listing) throw new AppError('not_found', `no listing ${req.listingId}`);
    const rc = await getRc(rt, listing.rcId);
    if (!rc) throw new Error(`listing ${listing.listingId} names a missing RC ${listing.rcId}`);
    const nowIso = isoAt(rt.clock.nowMs());
    const check = checkTrade(listing, rc, buyerId, req.scu, nowIso);
    if (!check.ok) throw new AppError(check.code, check.detail, { listingId: listing.listingId, scuAvailable: Number(listing.scuAvailable) });
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
    const table = rt.table('market');
    const postings: Posting[] = [{ from: account.user(buyerId), to: account.user(listing.sellerId), amount: plan.costMicro }];
    if (plan.escrowShareMicro > 0n) postings.push({ from: account.escrow(rc.rcId), to: account.escrow(child.rcId), amount: plan.escrowShareMicro });
    const extra: LabelledItem[] = [
      plan.listing.status === 'FILLED'
        ? closeListingItem(rt, listing, 'FILLED')
        : {
            label: `listing:${listing.listingId}`,
            item: {
              Update: {
                TableName: table,
                Key: listingKey(listing.listingId),
                UpdateExpression: 'SET scuAvailable = :a, version = :nv',
                ConditionExpression: 'version = :v AND #s = :open',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':a': plan.listing.scuAvailable, ':v': listing.version, ':nv': listing.version + 1n, ':open': 'OPEN' },
              },
            },
          },
      rcVersionGuard(rt, rc, 'maxScu = :m, listedScu = :l, escrowMicro = :e, #s = :s', { ':m': plan.parent.maxScu, ':l': plan.parent.listedScu, ':e': plan.parent.escrowMicro, ':s': plan.parent.status }, { '#s': 'status' }),
      { label: 'child', item: { Put: { TableName: table, Item: rcItem(child), ConditionExpression: 'attribute_not_exists(pk)' } } },
    ];
    const result = tradeResult({ tradeId, listing, rc, child, buyerId, scu: req.scu, plan, at: nowIso });
    extra.push({ label: 'trade', item: { Put: { TableName: table, Item: { ...tradeKey(tradeId), kind: 'trade', ...result, gsi2pk: `RCTRD#${rc.rcId}`, gsi2sk: tradeId }, ConditionExpression: 'attribute_not_exists(pk)' } } });
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

function tradeResult(t: { tradeId: string; listing: Listing; rc: Rc; child: Rc; buyerId: string; scu: bigint; plan: ReturnType<typeof planTrade>; at: string }) {
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
