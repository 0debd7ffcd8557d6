/**
 * The oracle's items: one offer per provider and bucket (a newer offer replaces an older
 * one; an older one is refused; the same one again is a no-op), and one demand
 * configuration per bucket, changed only from the version it was read at.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { LabelledItem } from '../../platform/dynamo/transact.ts';
import { queryAll } from '../../platform/dynamo/query.ts';
import { bucketIdOf, type DemandConfig, type SupplyOffer } from '../domain/oracle.ts';
import { bucketPk, demandKey, offerKey } from './keys.ts';

/** Offers outlive their window by this much in the table before TTL removes them. */
const OFFER_TTL_S = 7 * 86_400;

export type OfferWrite = 'written' | 'unchanged' | 'stale';

const offerDigest = (o: SupplyOffer) => `${o.capacityScm}|${o.priceMicro}`;

const offerItem = (o: SupplyOffer) => {
  const bucketId = bucketIdOf(o.gpuProfile, o.region);
  return {
    ...offerKey(bucketId, o.providerId),
    kind: 'offer',
    bucketId,
    providerId: o.providerId,
    gpuProfile: o.gpuProfile,
    region: o.region,
    capacityScm: o.capacityScm,
    priceMicro: o.priceMicro,
    offeredAt: o.offeredAt,
    digest: offerDigest(o),
    ttl: Math.floor(o.offeredAt / 1000) + OFFER_TTL_S,
  };
};

/**
 * A provider's offer as a part of its heartbeat's transaction (label `offer`): unconditional,
 * since the heartbeat's own freshness guard already orders a provider's reports.
 */
export function offerPut(s: StoreCtx, o: SupplyOffer): LabelledItem {
  return { label: 'offer', item: { Put: { TableName: s.table, Item: offerItem(o) } } };
}

export async function putOffer(s: StoreCtx, o: SupplyOffer): Promise<OfferWrite> {
  try {
    await s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: offerItem(o),
        ConditionExpression: 'attribute_not_exists(pk) OR offeredAt < :t',
        ExpressionAttributeValues: { ':t': o.offeredAt },
      }),
    );
    return 'written';
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const cur = await s.doc.send(new GetCommand({ TableName: s.table, Key: offerKey(bucketIdOf(o.gpuProfile, o.region), o.providerId), ConsistentRead: true }));
    const same = cur.Item && Number(cur.Item.offeredAt) === o.offeredAt && cur.Item.digest === offerDigest(o);
    return same ? 'unchanged' : 'stale';
  }
}

export async function bucketItems(s: StoreCtx, bucketId: string): Promise<{ offers: SupplyOffer[]; demand: (DemandConfig & { version: bigint }) | undefined }> {
  const items = await queryAll(s.doc, { TableName: s.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': bucketPk(bucketId) } });
  const offers: SupplyOffer[] = [];
  let demand: (DemandConfig & { version: bigint }) | undefined;
  for (const it of items) {
    if (it.kind === 'offer') {
      offers.push({
        providerId: String(it.providerId),
        gpuProfile: String(it.gpuProfile),
        region: String(it.region),
        capacityScm: big(it.capacityScm),
        priceMicro: big(it.priceMicro),
        offeredAt: Number(it.offeredAt),
      });
    } else if (it.kind === 'demand') {
      demand = {
        gpuProfile: String(it.gpuProfile),
        region: String(it.region),
        windowMinutes: Number(it.windowMinutes),
        demandScm: big(it.demandScm),
        reserveRatioBps: big(it.reserveRatioBps),
        floorPriceMicro: big(it.floorPriceMicro),
        capPriceMicro: big(it.capPriceMicro),
        version: big(it.version),
      };
    }
  }
  return { offers, demand };
}

/** Writes a bucket's demand configuration at `version` (1 for a new bucket), guarded on the one before. */
export async function putDemand(s: StoreCtx, c: DemandConfig, version: bigint, at: string): Promise<boolean> {
  const bucketId = bucketIdOf(c.gpuProfile, c.region);
  try {
    await s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: { ...demandKey(bucketId), kind: 'demand', bucketId, ...c, version, updatedAt: at },
        ConditionExpression: version === 1n ? 'attribute_not_exists(pk)' : 'version = :prev',
        ...(version === 1n ? {} : { ExpressionAttributeValues: { ':prev': version - 1n } }),
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}
