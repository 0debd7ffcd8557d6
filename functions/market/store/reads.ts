/** Reads of the market table. Money decisions re-read with ConsistentRead. */
import { GetCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { queryAll as queryPages, type Item } from '../../platform/dynamo/query.ts';
import { big } from '../../platform/dynamo/client.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { isTenor, type Provider, type Tenor } from '../domain/catalog.ts';
import type { Rc } from '../domain/rc.ts';
import type { Listing } from '../domain/secondary.ts';
import type { Offer } from '../domain/quote.ts';
import { toListing, toProvider, toRc } from './codec.ts';
import { capacityKey, jobKey, listingKey, OPEN_LISTINGS_GSI, ownerGsi, providerKey, PROVIDERS_GSI, quoteKey, rcKey, RC_OPEN_SHARDS } from './keys.ts';

/** Pages through a query on the market table. */
const queryAll = (rt: Runtime, input: Omit<QueryCommandInput, 'TableName'>, max = Infinity): Promise<Item[]> =>
  queryPages(rt.doc, { TableName: rt.table('market'), ...input }, max);

async function getItem(rt: Runtime, key: { pk: string; sk: string }): Promise<Item | undefined> {
  const out = await rt.doc.send(new GetCommand({ TableName: rt.table('market'), Key: key, ConsistentRead: true }));
  return out.Item;
}

export interface ProviderState {
  provider: Provider;
  /** Capacity counters by tenor (absent until the catalog is loaded). */
  caps: Map<Tenor, { maxScu: bigint; soldScu: bigint }>;
}

function gather(items: Item[]): Map<string, ProviderState> {
  const byId = new Map<string, ProviderState>();
  for (const it of items) if (it.kind === 'provider') byId.set(String(it.id), { provider: toProvider(it), caps: new Map() });
  for (const it of items) {
    if (it.kind !== 'capacity') continue;
    const tenor = String(it.tenor);
    const s = byId.get(String(it.providerId));
    if (s && isTenor(tenor)) s.caps.set(tenor, { maxScu: big(it.maxScu), soldScu: big(it.soldScu ?? 0n) });
  }
  return byId;
}

/** Every provider with its counters, from the index (eventually consistent: for display and quotes). */
export async function allProviders(rt: Runtime): Promise<ProviderState[]> {
  const items = await queryAll(rt, { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': PROVIDERS_GSI } });
  return [...gather(items).values()].sort((a, b) => (a.provider.id < b.provider.id ? -1 : 1));
}

/** One provider and its counters, strongly consistent. */
export async function providerState(rt: Runtime, id: string): Promise<ProviderState | undefined> {
  const items = await queryAll(rt, { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `PROV#${id}` }, ConsistentRead: true });
  return gather(items).get(id);
}

/**
 * A provider's profile (spot price, calibration) cached per container for PROVIDER_CACHE_MS:
 * the job-completion hook reads it on every call, and the catalog changes rarely.
 */
export const PROVIDER_CACHE_MS = 10_000;
const providerCache = new Map<string, { provider: Provider; atMs: number }>();

export async function cachedProvider(rt: Runtime, id: string): Promise<Provider | undefined> {
  const key = `${rt.table('market')}/${id}`;
  const now = rt.clock.nowMs();
  const hit = providerCache.get(key);
  if (hit && now - hit.atMs < PROVIDER_CACHE_MS && now >= hit.atMs) return hit.provider;
  const it = await getItem(rt, providerKey(id));
  if (!it) return undefined;
  const provider = toProvider(it);
  providerCache.set(key, { provider, atMs: now });
  return provider;
}

export function offerOf(s: ProviderState, tenor: Tenor): Offer | undefined {
  const c = s.caps.get(tenor);
  return c ? { provider: s.provider, maxScu: c.maxScu, soldScu: c.soldScu } : undefined;
}

export const getQuoteItem = (rt: Runtime, id: string) => getItem(rt, quoteKey(id));

/** A provider × tenor capacity counter's sold SCU (0 when there is no counter). */
export async function soldScuOf(rt: Runtime, providerId: string, tenor: string): Promise<bigint> {
  const it = await getItem(rt, capacityKey(providerId, tenor));
  return it ? big(it.soldScu ?? 0n) : 0n;
}

export async function getRc(rt: Runtime, rcId: string): Promise<Rc | undefined> {
  const it = await getItem(rt, rcKey(rcId));
  return it ? toRc(it) : undefined;
}

/** A user's RCs (optionally for one provider), from the owner index. */
export async function rcsOfOwner(rt: Runtime, userId: string, providerId?: string): Promise<Rc[]> {
  const items = await queryAll(rt, {
    IndexName: 'gsi1',
    KeyConditionExpression: providerId ? 'gsi1pk = :p AND begins_with(gsi1sk, :s)' : 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': ownerGsi(userId), ...(providerId ? { ':s': `${providerId}#` } : {}) },
  });
  return items.map(toRc);
}

export async function getListing(rt: Runtime, id: string): Promise<Listing | undefined> {
  const it = await getItem(rt, listingKey(id));
  return it ? toListing(it) : undefined;
}

export async function openListings(rt: Runtime, limit: number): Promise<Listing[]> {
  const items = await queryAll(rt, { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': OPEN_LISTINGS_GSI }, ScanIndexForward: false, Limit: limit }, limit);
  return items.slice(0, limit).map(toListing);
}

export async function listingsOfRc(rt: Runtime, rcId: string): Promise<Listing[]> {
  const items = await queryAll(rt, { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': `RCLST#${rcId}` } });
  return items.map(toListing);
}

export const getJobItem = (rt: Runtime, jobId: string) => getItem(rt, jobKey(jobId));

export async function jobDetails(rt: Runtime, jobId: string): Promise<Item[]> {
  return queryAll(rt, { KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `JOB#${jobId}`, ':s': 'DETAIL#' }, ConsistentRead: true });
}

export async function allocationsOfRc(rt: Runtime, rcId: string): Promise<Item[]> {
  return queryAll(rt, { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': `RCALLOC#${rcId}` } });
}

/** Ids of RCs not yet EXPIRED whose expiry is at or before `nowIso`, up to `limit`. */
export async function dueRcIds(rt: Runtime, nowIso: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  for (let s = 0; s < RC_OPEN_SHARDS && ids.length < limit; s++) {
    const items = await queryAll(
      rt,
      { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :hi', ExpressionAttributeValues: { ':p': `RCOPEN#${s}`, ':hi': `${nowIso}#\uffff` }, Limit: limit - ids.length },
      limit - ids.length,
    );
    ids.push(...items.map((it) => String(it.rcId)));
  }
  return ids.slice(0, limit);
}
