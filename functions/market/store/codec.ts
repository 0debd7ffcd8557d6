/** Market items ↔ domain values. Money and SCU are DynamoDB integers read back as bigint. */
import { big } from '../../platform/dynamo/client.ts';
import type { Provider, Tenor } from '../domain/catalog.ts';
import type { Rc, RcStatus } from '../domain/rc.ts';
import type { Listing, ListingStatus } from '../domain/secondary.ts';
import { listingKey, OPEN_LISTINGS_GSI, ownerGsi, providerKey, rcKey, rcOpenShard } from './keys.ts';

type Item = Record<string, unknown>;

/** A provider's catalog entry; `quotable: false` (a joined provider not yet verified and online) keeps it out of quotes. */
export function providerItem(p: Provider, quotable = true): Item {
  return { ...providerKey(p.id), gsi1pk: 'PROVIDERS', gsi1sk: p.id, kind: 'provider', ...p, quotable };
}

/** Entries written before the flag existed (the fixtures) are quotable. */
export const isQuotable = (it: Item): boolean => it.quotable !== false;

export function toProvider(it: Item): Provider {
  return {
    id: String(it.id),
    gpuProfile: String(it.gpuProfile),
    region: String(it.region),
    scuPerHour: big(it.scuPerHour),
    reservedFractionPpm: big(it.reservedFractionPpm),
    reliabilityFloorPpm: big(it.reliabilityFloorPpm),
    spotPriceMicro: big(it.spotPriceMicro),
    scmPerMinMilli: big(it.scmPerMinMilli),
  };
}

/** The full RC item; index attributes follow its state. */
export function rcItem(rc: Rc): Item {
  return {
    ...rcKey(rc.rcId),
    kind: 'rc',
    ...rc,
    gsi1pk: ownerGsi(rc.ownerId),
    gsi1sk: `${rc.providerId}#${rc.expiresAt}#${rc.rcId}`,
    ...(rc.status === 'EXPIRED' ? {} : { gsi2pk: rcOpenShard(rc.rcId), gsi2sk: `${rc.expiresAt}#${rc.rcId}` }),
  };
}

export function toRc(it: Item): Rc {
  return {
    rcId: String(it.rcId),
    ownerId: String(it.ownerId),
    providerId: String(it.providerId),
    gpuProfile: String(it.gpuProfile),
    region: String(it.region),
    tenor: String(it.tenor) as Tenor,
    status: String(it.status) as RcStatus,
    maxScu: big(it.maxScu),
    usedScu: big(it.usedScu),
    listedScu: big(it.listedScu),
    lockMicro: big(it.lockMicro),
    commitMicro: big(it.commitMicro),
    usageMicro: big(it.usageMicro),
    escrowMicro: big(it.escrowMicro),
    createdAt: String(it.createdAt),
    expiresAt: String(it.expiresAt),
    parentRcId: it.parentRcId ? String(it.parentRcId) : null,
    version: big(it.version),
  };
}

export function toListing(it: Item): Listing {
  return {
    listingId: String(it.listingId),
    rcId: String(it.rcId),
    sellerId: String(it.sellerId),
    providerId: String(it.providerId),
    tenor: String(it.tenor),
    scuListed: big(it.scuListed),
    scuAvailable: big(it.scuAvailable),
    askMicro: big(it.askMicro),
    status: String(it.status) as ListingStatus,
    createdAt: String(it.createdAt),
    version: big(it.version),
  };
}

/** API shapes: SCU as integers (JSON numbers), money as ACU decimal strings. */
export function listingItem(l: Listing): Item {
  return {
    ...listingKey(l.listingId),
    kind: 'listing',
    ...l,
    gsi2pk: `RCLST#${l.rcId}`,
    gsi2sk: l.listingId,
    ...(l.status === 'OPEN' ? { gsi1pk: OPEN_LISTINGS_GSI, gsi1sk: `${l.createdAt}#${l.listingId}` } : {}),
  };
}
