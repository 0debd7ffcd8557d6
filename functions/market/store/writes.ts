/**
 * The market's writes as named transaction parts: the guards of its invariants live here,
 * once, and the use cases compose them (with a ledger transfer's postings when money moves).
 * Each part is labelled so a cancelled transaction says which guard failed:
 *   quote           OPEN → PURCHASED, once
 *   capacity:<p>:<t> sold SCU never above the counter's max (no oversell)
 *   rc:<id>         an RC changes only from the version it was read at
 *   listing:<id>    a listing changes only from its version, and only while OPEN
 *   job:<id>        a job's allocation is written once (the job-apply idempotency anchor)
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LabelledItem } from '../../platform/dynamo/transact.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { Provider } from '../domain/catalog.ts';
import type { Rc, RcStatus } from '../domain/rc.ts';
import type { Listing } from '../domain/secondary.ts';
import { listingItem, providerItem, rcItem } from './codec.ts';
import { capacityKey, heldShard, jobDetailKey, jobKey, listingKey, PROVIDERS_GSI, quoteKey, rcKey, tradeKey } from './keys.ts';

const put = (s: StoreCtx, label: string, item: Record<string, unknown>): LabelledItem => ({
  label,
  item: { Put: { TableName: s.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
});

/** The quote is bought: OPEN → PURCHASED (a second purchase of it fails this guard). */
export function quotePurchased(s: StoreCtx, quoteId: string): LabelledItem {
  return {
    label: 'quote',
    item: {
      Update: {
        TableName: s.table,
        Key: quoteKey(quoteId),
        UpdateExpression: 'SET #s = :p',
        ConditionExpression: '#s = :o',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': 'PURCHASED', ':o': 'OPEN' },
      },
    },
  };
}

/**
 * Takes `scu` of a provider's capacity for a tenor. Guarded on the max the plan was made
 * against and on the sold SCU being at most `soldLimitScu` (= max − scu): concurrent buyers
 * can never together sell more than max.
 */
export function capacityReserve(s: StoreCtx, c: { providerId: string; tenor: string; scu: bigint; maxScu: bigint; soldLimitScu: bigint }): LabelledItem {
  return {
    label: `capacity:${c.providerId}:${c.tenor}`,
    item: {
      Update: {
        TableName: s.table,
        Key: capacityKey(c.providerId, c.tenor),
        UpdateExpression: 'ADD soldScu :q',
        ConditionExpression: 'maxScu = :max AND soldScu <= :lim',
        ExpressionAttributeValues: { ':q': c.scu, ':max': c.maxScu, ':lim': c.soldLimitScu },
      },
    },
  };
}

/** Gives `scu` of sold capacity back (an RC expired); never below zero. */
export function capacityRelease(s: StoreCtx, c: { providerId: string; tenor: string; scu: bigint }): LabelledItem {
  return {
    label: `capacity:${c.providerId}:${c.tenor}`,
    item: {
      Update: {
        TableName: s.table,
        Key: capacityKey(c.providerId, c.tenor),
        UpdateExpression: 'ADD soldScu :minus',
        ConditionExpression: 'soldScu >= :back',
        ExpressionAttributeValues: { ':minus': -c.scu, ':back': c.scu },
      },
    },
  };
}

/** A new RC (a purchase's, or a trade's child). */
export const rcCreate = (s: StoreCtx, rc: Rc, label = `rc:${rc.rcId}`): LabelledItem => put(s, label, rcItem(rc));

/** The RC fields a guarded change may set. */
export type RcChange = Partial<Pick<Rc, 'maxScu' | 'usedScu' | 'listedScu' | 'escrowMicro' | 'status'>>;

/**
 * Sets `change` on the RC from the version it was read at (version + 1 after); with
 * `activeOnly`, also only while it is ACTIVE. A concurrent writer fails the guard.
 */
export function rcChange(s: StoreCtx, rc: Pick<Rc, 'rcId' | 'version'>, change: RcChange, opts: { activeOnly?: boolean } = {}): LabelledItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':v': rc.version, ':nv': rc.version + 1n };
  const sets = Object.entries(change).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    return `#f${i} = :f${i}`;
  });
  let condition = 'version = :v';
  if (opts.activeOnly) {
    names['#status'] = 'status';
    values[':active'] = 'ACTIVE';
    condition += ' AND #status = :active';
  }
  return {
    label: `rc:${rc.rcId}`,
    item: {
      Update: {
        TableName: s.table,
        Key: rcKey(rc.rcId),
        UpdateExpression: `SET ${[...sets, 'version = :nv'].join(', ')}`,
        ConditionExpression: condition,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    },
  };
}

/** The RC expired: escrow and listings to zero, the γ split recorded, out of the expiry index. */
export function rcExpired(s: StoreCtx, rc: Pick<Rc, 'rcId' | 'version'>, e: { at: string; refundMicro: bigint; breakageMicro: bigint }): LabelledItem {
  return {
    label: `rc:${rc.rcId}`,
    item: {
      Update: {
        TableName: s.table,
        Key: rcKey(rc.rcId),
        UpdateExpression:
          'SET #s = :x, escrowMicro = :z, listedScu = :z, expiredAt = :at, refundMicro = :r, breakageMicro = :b, version = :nv REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'version = :v',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':x': 'EXPIRED' satisfies RcStatus,
          ':z': 0n,
          ':at': e.at,
          ':r': e.refundMicro,
          ':b': e.breakageMicro,
          ':v': rc.version,
          ':nv': rc.version + 1n,
        },
      },
    },
  };
}

export const listingCreate = (s: StoreCtx, l: Listing): LabelledItem => put(s, 'listing', listingItem(l));

/** Marks an Idempotency-Key of a seller's listing request: a retry finds the first listing. */
export const listingKeyMarker = (s: StoreCtx, m: { sellerId: string; key: string; listingId: string; requestHash: string }): LabelledItem =>
  put(s, 'idempotency', { ...listingKeyMarkerKey(m.sellerId, m.key), kind: 'listingKey', listingId: m.listingId, requestHash: m.requestHash });

export const listingKeyMarkerKey = (sellerId: string, key: string) => ({ pk: `LSTIDEM#${sellerId}#${key}`, sk: 'IDEM' });

/** A trade took SCU from an OPEN listing: `scuAvailable` left, from the version read. */
export function listingFill(s: StoreCtx, l: Pick<Listing, 'listingId' | 'version'>, scuAvailable: bigint): LabelledItem {
  return listingUpdate(s, l, 'SET scuAvailable = :a, version = :nv', { ':a': scuAvailable });
}

/** Closing a listing (cancel, expiry, or filled): out of the open-listings index. */
export function listingClose(s: StoreCtx, l: Pick<Listing, 'listingId' | 'version'>, status: 'CANCELLED' | 'FILLED'): LabelledItem {
  return listingUpdate(s, l, 'SET #s = :s, version = :nv REMOVE gsi1pk, gsi1sk', { ':s': status });
}

function listingUpdate(s: StoreCtx, l: Pick<Listing, 'listingId' | 'version'>, update: string, values: Record<string, unknown>): LabelledItem {
  return {
    label: `listing:${l.listingId}`,
    item: {
      Update: {
        TableName: s.table,
        Key: listingKey(l.listingId),
        UpdateExpression: update,
        ConditionExpression: 'version = :v AND #s = :open',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ...values, ':v': l.version, ':nv': l.version + 1n, ':open': 'OPEN' },
      },
    },
  };
}

/** The trade record; indexed under its parent RC. */
export const tradeCreate = (s: StoreCtx, t: { tradeId: string; parentRcId: string } & Record<string, unknown>): LabelledItem =>
  put(s, 'trade', { ...tradeKey(t.tradeId), kind: 'trade', ...t, gsi2pk: `RCTRD#${t.parentRcId}`, gsi2sk: t.tradeId });

/** What GET /positions/{rcId} lists for one RC drawn by a job (read through gsi2). */
export interface RcAllocation {
  jobId: string;
  rcId: string;
  scu: bigint;
  feeUsageMicro: bigint;
  at: string;
}

const allocationAttributes = (a: RcAllocation) => ({ ...a, gsi2pk: `RCALLOC#${a.rcId}`, gsi2sk: a.jobId });

/**
 * A job's allocation record, written once per job id (another apply of the job fails this
 * guard). A job drawn from one RC carries that RC's allocation itself (one item fewer).
 */
export function jobAllocation(
  s: StoreCtx,
  j: {
    jobId: string;
    userId: string;
    providerId: string;
    requestHash: string;
    result: unknown;
    at: string;
    onlyDraw?: RcAllocation | undefined;
    /** The settlement's held part (domain/holds.ts): HELD, findable by release time until it moves. */
    hold?: { amountMicro: bigint; releaseAt: string } | undefined;
  },
): LabelledItem {
  return put(s, `job:${j.jobId}`, {
    ...jobKey(j.jobId),
    ...(j.onlyDraw ? allocationAttributes(j.onlyDraw) : {}),
    ...(j.hold
      ? {
          holdMicro: j.hold.amountMicro,
          holdReleaseAt: j.hold.releaseAt,
          holdStatus: 'HELD',
          gsi1pk: heldShard(j.jobId),
          gsi1sk: `${j.hold.releaseAt}#${j.jobId}`,
        }
      : {}),
    kind: 'job',
    jobId: j.jobId,
    userId: j.userId,
    providerId: j.providerId,
    requestHash: j.requestHash,
    result: JSON.stringify(j.result),
    at: j.at,
  });
}

/** One RC's share of a job drawn from several. */
export const jobAllocationDetail = (s: StoreCtx, n: number, a: RcAllocation): LabelledItem => ({
  label: `detail:${a.jobId}:${n}`,
  item: { Put: { TableName: s.table, Item: { ...jobDetailKey(a.jobId, n), kind: 'jobDetail', ...allocationAttributes(a) } } },
});

/** Puts a provider's catalog entry (reloading the catalog replaces it). */
export async function putProvider(s: StoreCtx, p: Provider): Promise<void> {
  await s.doc.send(new PutCommand({ TableName: s.table, Item: providerItem(p) }));
}

/**
 * A provider's catalog entry as a transaction part: `create` only where none exists (a provider
 * joining: label `catalog:<id>`), otherwise replacing it (its node's heartbeats relist it).
 */
export function catalogProfile(s: StoreCtx, p: Provider, o: { quotable: boolean; create: boolean }): LabelledItem {
  return {
    label: `catalog:${p.id}`,
    item: { Put: { TableName: s.table, Item: providerItem(p, o.quotable), ...(o.create ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) } },
  };
}

/** The exchange pool's catalog profile, once (a second put changes nothing); outside the listings' index. */
export async function putExchangePool(s: StoreCtx, p: Provider): Promise<void> {
  const { gsi1pk: _pk, gsi1sk: _sk, ...item } = providerItem(p, false);
  try {
    await s.doc.send(new PutCommand({ TableName: s.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
  }
}

/** A capacity counter's max as a transaction part; the SCU already sold are kept. */
export function capacityMax(s: StoreCtx, c: { providerId: string; tenor: string; maxScu: bigint }): LabelledItem {
  return {
    label: `capacity:${c.providerId}:${c.tenor}`,
    item: {
      Update: {
        TableName: s.table,
        Key: capacityKey(c.providerId, c.tenor),
        UpdateExpression: 'SET kind = :k, providerId = :p, tenor = :t, maxScu = :m, soldScu = if_not_exists(soldScu, :z), gsi1pk = :g, gsi1sk = :s',
        ExpressionAttributeValues: {
          ':k': 'capacity',
          ':p': c.providerId,
          ':t': c.tenor,
          ':m': c.maxScu,
          ':z': 0n,
          ':g': PROVIDERS_GSI,
          ':s': `${c.providerId}#CAP#${c.tenor}`,
        },
      },
    },
  };
}

/** Sets a capacity counter's max; the SCU already sold are kept (reloading never forgets a sale). */
export async function setCapacityMax(s: StoreCtx, c: { providerId: string; tenor: string; maxScu: bigint }): Promise<void> {
  await s.doc.send(new UpdateCommand(capacityMax(s, c).item.Update as never));
}

/** A quote, kept `keepSec` past its validity so a late purchase reads "expired", not "not found". */
export async function putQuote(
  s: StoreCtx,
  q: {
    quoteId: string;
    ownerId: string;
    tenor: string;
    requestedScu: bigint;
    allocations: unknown[];
    createdAt: string;
    expiresAt: string;
    expiresAtMs: number;
  },
  keepSec = 86_400,
): Promise<void> {
  const { expiresAtMs, ...fields } = q;
  await s.doc.send(
    new PutCommand({
      TableName: s.table,
      Item: { ...quoteKey(q.quoteId), kind: 'quote', ...fields, status: 'OPEN', ttl: Math.floor(expiresAtMs / 1000) + keepSec },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}
