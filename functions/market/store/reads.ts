/** Reads of the market table. Money decisions re-read with ConsistentRead. */
import { GetCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { isTransientRead, queryAll as queryPages, type Item } from '../../platform/dynamo/query.ts';
import { big } from '../../platform/dynamo/client.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { isTenor, type Provider, type Tenor } from '../domain/catalog.ts';
import type { Rc } from '../domain/rc.ts';
import type { Listing } from '../domain/secondary.ts';
import type { Offer } from '../domain/quote.ts';
import { isQuotable, toListing, toProvider, toRc } from './codec.ts';
import { listingKeyMarkerKey } from './writes.ts';
import { capacityKey, jobKey, listingKey, OPEN_LISTINGS_GSI, ownerGsi, providerKey, PROVIDERS_GSI, quoteKey, rcKey, RC_OPEN_SHARDS } from './keys.ts';

/** Pages through a query on the market table. */
const queryAll = (s: StoreCtx, input: Omit<QueryCommandInput, 'TableName'>, max = Infinity): Promise<Item[]> =>
  queryPages(s.doc, { TableName: s.table, ...input }, max);

async function getItem(s: StoreCtx, key: { pk: string; sk: string }): Promise<Item | undefined> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: key, ConsistentRead: true }));
  return out.Item;
}

export interface ProviderState {
  provider: Provider;
  /** Capacity counters by tenor (absent until the catalog is loaded). */
  caps: Map<Tenor, { maxScu: bigint; soldScu: bigint }>;
  /** Offered in quotes (a joined provider only while verified and online). */
  quotable: boolean;
}

function gather(items: Item[]): Map<string, ProviderState> {
  const byId = new Map<string, ProviderState>();
  for (const it of items) if (it.kind === 'provider') byId.set(String(it.id), { provider: toProvider(it), caps: new Map(), quotable: isQuotable(it) });
  for (const it of items) {
    if (it.kind !== 'capacity') continue;
    const tenor = String(it.tenor);
    const s = byId.get(String(it.providerId));
    if (s && isTenor(tenor)) s.caps.set(tenor, { maxScu: big(it.maxScu), soldScu: big(it.soldScu ?? 0n) });
  }
  return byId;
}

/** Every provider with its counters, from the index (eventually consistent: for display and quotes). */
export async function allProviders(s: StoreCtx): Promise<ProviderState[]> {
  const items = await queryAll(s, { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': PROVIDERS_GSI } });
  return [...gather(items).values()].sort((a, b) => (a.provider.id < b.provider.id ? -1 : 1));
}

/** One provider and its counters, strongly consistent. */
export async function providerState(s: StoreCtx, id: string): Promise<ProviderState | undefined> {
  const items = await queryAll(s, { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `PROV#${id}` }, ConsistentRead: true });
  return gather(items).get(id);
}

/**
 * A provider's profile (spot price, calibration) cached per container for PROVIDER_CACHE_MS:
 * the job-completion hook reads it on every call, and the catalog changes rarely.
 */
export const PROVIDER_CACHE_MS = 10_000;
const providerCache = new Map<string, { provider: Provider; atMs: number }>();

export async function cachedProvider(s: StoreCtx, id: string, now: number): Promise<Provider | undefined> {
  const key = `${s.table}/${id}`;
  const hit = providerCache.get(key);
  if (hit && now - hit.atMs < PROVIDER_CACHE_MS && now >= hit.atMs) return hit.provider;
  const it = await getItem(s, providerKey(id));
  if (!it) return undefined;
  const provider = toProvider(it);
  providerCache.set(key, { provider, atMs: now });
  return provider;
}

export function offerOf(s: ProviderState, tenor: Tenor): Offer | undefined {
  const c = s.caps.get(tenor);
  return c ? { provider: s.provider, maxScu: c.maxScu, soldScu: c.soldScu } : undefined;
}

export const getQuoteItem = (s: StoreCtx, id: string) => getItem(s, quoteKey(id));

/** A provider × tenor capacity counter's sold SCU (0 when there is no counter). */
export async function soldScuOf(s: StoreCtx, providerId: string, tenor: string): Promise<bigint> {
  const it = await getItem(s, capacityKey(providerId, tenor));
  return it ? big(it.soldScu ?? 0n) : 0n;
}

export async function getRc(s: StoreCtx, rcId: string): Promise<Rc | undefined> {
  const it = await getItem(s, rcKey(rcId));
  return it ? toRc(it) : undefined;
}

/** A user's RCs (optionally for one provider), from the owner index. */
export async function rcsOfOwner(s: StoreCtx, userId: string, providerId?: string): Promise<Rc[]> {
  const items = await queryAll(s, {
    IndexName: 'gsi1',
    KeyConditionExpression: providerId ? 'gsi1pk = :p AND begins_with(gsi1sk, :s)' : 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': ownerGsi(userId), ...(providerId ? { ':s': `${providerId}#` } : {}) },
  });
  return items.map(toRc);
}

export async function getListing(s: StoreCtx, id: string): Promise<Listing | undefined> {
  const it = await getItem(s, listingKey(id));
  return it ? toListing(it) : undefined;
}

export async function openListings(s: StoreCtx, limit: number): Promise<Listing[]> {
  const items = await queryAll(
    s,
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': OPEN_LISTINGS_GSI }, ScanIndexForward: false, Limit: limit },
    limit,
  );
  return items.slice(0, limit).map(toListing);
}

export async function listingsOfRc(s: StoreCtx, rcId: string): Promise<Listing[]> {
  const items = await queryAll(s, { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': `RCLST#${rcId}` } });
  return items.map(toListing);
}

export const getJobItem = (s: StoreCtx, jobId: string) => getItem(s, jobKey(jobId));

export async function jobDetails(s: StoreCtx, jobId: string): Promise<Item[]> {
  return queryAll(s, {
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': `JOB#${jobId}`, ':s': 'DETAIL#' },
    ConsistentRead: true,
  });
}

export async function allocationsOfRc(s: StoreCtx, rcId: string): Promise<Item[]> {
  return queryAll(s, { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': `RCALLOC#${rcId}` } });
}

/**
 * Ids of RCs not yet EXPIRED whose expiry is at or before `nowIso`, up to `limit`, and the
 * shards whose read failed transiently: a sweep leaves those for the next one rather than
 * failing as a whole (every shard's read must otherwise succeed in one go).
 */
export async function dueRcIds(s: StoreCtx, nowIso: string, limit: number): Promise<{ ids: string[]; unscannedShards: number[] }> {
  const ids: string[] = [];
  const unscannedShards: number[] = [];
  for (let shard = 0; shard < RC_OPEN_SHARDS && ids.length < limit; shard++) {
    try {
      const items = await queryAll(
        s,
        {
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :hi',
          ExpressionAttributeValues: { ':p': `RCOPEN#${shard}`, ':hi': `${nowIso}#\uffff` },
          Limit: limit - ids.length,
        },
        limit - ids.length,
      );
      ids.push(...items.map((it) => String(it.rcId)));
    } catch (err) {
      if (!isTransientRead(err)) throw err;
      unscannedShards.push(shard);
    }
  }
  return { ids: ids.slice(0, limit), unscannedShards };
}

/** A listing Idempotency-Key's marker: what it was for and which listing it made. */
export async function listingKeyMarkerOf(s: StoreCtx, sellerId: string, key: string): Promise<{ requestHash: string; result: string } | undefined> {
  const it = await getItem(s, listingKeyMarkerKey(sellerId, key));
  return it ? { requestHash: String(it.requestHash), result: String(it.listingId) } : undefined;
}

/** The stored allocation of applied jobs, by job id (absent when not applied yet), read strongly. */
export async function appliedJobs(s: StoreCtx, jobIds: string[]): Promise<({ requestHash: string; result: unknown } | undefined)[]> {
  const items = await Promise.all(jobIds.map((id) => getItem(s, jobKey(id))));
  return items.map((it) => (it ? { requestHash: String(it.requestHash), result: JSON.parse(String(it.result)) as unknown } : undefined));
}
