/**
 * Secondary market (seed §1.7). Checks are ordered facts; the first that fails is the
 * answer: rc_not_owned, rc_not_active, listing_exceeds_available.
 */
import { escrowShare } from './escrow.ts';
import { freeScu, statusAfter, type Rc, type RcStatus } from './rc.ts';

export type ListingStatus = 'OPEN' | 'FILLED' | 'CANCELLED';

export interface Listing {
  listingId: string;
  rcId: string;
  sellerId: string;
  providerId: string;
  tenor: string;
  scuListed: bigint;
  scuAvailable: bigint;
  askMicro: bigint;
  status: ListingStatus;
  createdAt: string;
  version: bigint;
}

export type ListingCheck = { ok: true } | { ok: false; code: 'rc_not_owned' | 'rc_not_active' | 'listing_exceeds_available'; detail: string };

export function checkListing(rc: Rc, sellerId: string, scu: bigint, nowIso: string): ListingCheck {
  if (rc.ownerId !== sellerId) return { ok: false, code: 'rc_not_owned', detail: `RC ${rc.rcId} is not yours` };
  if (rc.status !== 'ACTIVE' || rc.expiresAt <= nowIso)
    return { ok: false, code: 'rc_not_active', detail: `RC ${rc.rcId} is ${rc.status === 'ACTIVE' ? 'past its expiry' : rc.status}` };
  const free = freeScu(rc);
  if (scu > free) return { ok: false, code: 'listing_exceeds_available', detail: `RC ${rc.rcId} has ${free} unlisted SCU left; asked to list ${scu}` };
  return { ok: true };
}

export type TradeCheck = { ok: true } | { ok: false; code: 'self_trade' | 'listing_not_open' | 'trade_exceeds_listing' | 'rc_not_active'; detail: string };

/** Precedence: listing_not_open, self_trade, trade_exceeds_listing, rc_not_active. */
export function checkTrade(listing: Listing, rc: Rc, buyerId: string, scu: bigint, nowIso: string): TradeCheck {
  if (listing.status !== 'OPEN') return { ok: false, code: 'listing_not_open', detail: `listing ${listing.listingId} is ${listing.status}` };
  if (listing.sellerId === buyerId) return { ok: false, code: 'self_trade', detail: 'you cannot buy your own listing' };
  if (scu > listing.scuAvailable)
    return { ok: false, code: 'trade_exceeds_listing', detail: `listing ${listing.listingId} has ${listing.scuAvailable} SCU available; asked for ${scu}` };
  if (rc.status !== 'ACTIVE' || rc.expiresAt <= nowIso) return { ok: false, code: 'rc_not_active', detail: `RC ${rc.rcId} is no longer active` };
  return { ok: true };
}

export interface TradePlan {
  costMicro: bigint;
  escrowShareMicro: bigint;
  parent: { maxScu: bigint; listedScu: bigint; escrowMicro: bigint; status: RcStatus };
  listing: { scuAvailable: bigint; status: ListingStatus };
  child: { maxScu: bigint; escrowMicro: bigint };
}

/** The buyer pays scu × ask to the seller; the parent shrinks; its escrow share (ESCROW_SHARE_FLOOR) moves to the child. */
export function planTrade(listing: Listing, rc: Rc, scu: bigint): TradePlan {
  const share = escrowShare(rc.escrowMicro, scu, rc.maxScu - rc.usedScu);
  const maxScu = rc.maxScu - scu;
  const scuAvailable = listing.scuAvailable - scu;
  return {
    costMicro: scu * listing.askMicro,
    escrowShareMicro: share,
    parent: { maxScu, listedScu: rc.listedScu - scu, escrowMicro: rc.escrowMicro - share, status: statusAfter(maxScu, rc.usedScu) },
    listing: { scuAvailable, status: scuAvailable === 0n ? 'FILLED' : 'OPEN' },
    child: { maxScu: scu, escrowMicro: share },
  };
}
