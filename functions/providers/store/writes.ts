/**
 * The directory's writes, as named transaction parts or guarded single writes. Labels:
 *   token              a join token is redeemed once, and only before its expiry
 *   provider:<id>      a provider is created once; its node changes it only from what was read
 *   heartbeat:<id>     a heartbeat is accepted only from the key on record and only if newer than the last
 *   evidence nonces    one open nonce per provider; a proof consumes it, only before its expiry
 *   hold               a job holds a provider's units once; giving them back deletes the hold once
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { transactWrite, TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import type { DirectoryProvider } from '../domain/provider.ts';
import type { JoinToken } from '../domain/join-token.ts';
import type { Heartbeat } from '../domain/heartbeat.ts';
import { providerItem, tokenItem } from './items.ts';
import { holdKey, ONLINE_GSI, onlineSk, providerKey, tokenKey } from './keys.ts';

const isConditionFailure = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

export async function putJoinToken(s: StoreCtx, hash: string, t: JoinToken): Promise<void> {
  await s.doc.send(new PutCommand({ TableName: s.table, Item: tokenItem(hash, t), ConditionExpression: 'attribute_not_exists(pk)' }));
}

/** ISSUED → REDEEMED by `providerId`, only while unexpired at `nowMs`. */
export function tokenRedeemed(s: StoreCtx, hash: string, r: { providerId: string; nowMs: number; at: string }): LabelledItem {
  return {
    label: 'token',
    item: {
      Update: {
        TableName: s.table,
        Key: tokenKey(hash),
        UpdateExpression: 'SET #s = :r, providerId = :p, redeemedAt = :at',
        ConditionExpression: '#s = :i AND expiresAtMs > :now',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':r': 'REDEEMED', ':i': 'ISSUED', ':p': r.providerId, ':at': r.at, ':now': r.nowMs },
      },
    },
  };
}

export function providerCreate(s: StoreCtx, p: DirectoryProvider): LabelledItem {
  return { label: `provider:${p.providerId}`, item: { Put: { TableName: s.table, Item: providerItem(p), ConditionExpression: 'attribute_not_exists(pk)' } } };
}

/** JOINED → VERIFIED with the node key, only against the open challenge and before it expires. False when the guard failed. */
export async function markVerified(
  s: StoreCtx,
  id: string,
  v: { challenge: string; nowMs: number; publicKey: string; keyAlgorithm: string; at: string },
): Promise<boolean> {
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: providerKey(id),
        UpdateExpression: 'SET #s = :v, publicKey = :pk, keyAlgorithm = :alg, verifiedAt = :at REMOVE challenge, challengeExpiresAtMs',
        ConditionExpression: '#s = :j AND challenge = :c AND challengeExpiresAtMs > :now',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':v': 'VERIFIED',
          ':j': 'JOINED',
          ':c': v.challenge,
          ':now': v.nowMs,
          ':pk': v.publicKey,
          ':alg': v.keyAlgorithm,
          ':at': v.at,
        },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** The metadata a provider or an operator may change. False when there is no such provider. */
export async function patchProvider(
  s: StoreCtx,
  id: string,
  change: Partial<Pick<DirectoryProvider, 'name' | 'contact' | 'spotPriceMicro'>>,
): Promise<boolean> {
  const entries = Object.entries(change).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return true;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = entries.map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    return `#f${i} = :f${i}`;
  });
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: providerKey(id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/**
 * A heartbeat accepted: the reports recorded, the provider online, its calibration's SCM/min
 * set. Guarded on the node key that checked its signature (a key changed meanwhile fails) and
 * on being newer than the last heartbeat accepted (a replay racing the original fails).
 */
export function heartbeatAccepted(
  s: StoreCtx,
  p: Pick<DirectoryProvider, 'providerId' | 'publicKey'>,
  hb: Heartbeat,
  r: { scmPerMinMilli: bigint; freeUnits: number; at: string; offer?: { digest: string; atMs: number } | undefined },
): LabelledItem {
  return {
    label: `heartbeat:${p.providerId}`,
    item: {
      Update: {
        TableName: s.table,
        Key: providerKey(p.providerId),
        UpdateExpression:
          'SET #on = :t, lastHeartbeatMs = :ts, lastHeartbeatAt = :at, inventory = :inv, telemetry = :tel, freeUnits = :free, scmPerMinMilli = :scm, gsi2pk = :g, gsi2sk = :gs' +
          (hb.calibration ? ', calibration = :cal' : '') +
          (r.offer ? ', lastOfferDigest = :od, lastOfferAtMs = :oa' : ''),
        ConditionExpression: '#s = :v AND publicKey = :pk AND (attribute_not_exists(lastHeartbeatMs) OR lastHeartbeatMs < :ts)',
        ExpressionAttributeNames: { '#s': 'status', '#on': 'online' },
        ExpressionAttributeValues: {
          ':t': true,
          ':ts': hb.timestampMs,
          ':at': r.at,
          ':inv': JSON.stringify(hb.inventory),
          ':tel': JSON.stringify(hb.telemetry),
          ':free': r.freeUnits,
          ':scm': r.scmPerMinMilli,
          ':g': ONLINE_GSI,
          ':gs': onlineSk(hb.timestampMs, p.providerId),
          ':v': 'VERIFIED',
          ':pk': p.publicKey,
          ...(hb.calibration ? { ':cal': JSON.stringify(hb.calibration) } : {}),
          ...(r.offer ? { ':od': r.offer.digest, ':oa': r.offer.atMs } : {}),
        },
      },
    },
  };
}

/** Online → offline, only if no heartbeat came after the one the sweep saw last. */
export function markedOffline(s: StoreCtx, id: string, lastHeartbeatMs: number, at: string): LabelledItem {
  return {
    label: `provider:${id}`,
    item: {
      Update: {
        TableName: s.table,
        Key: providerKey(id),
        UpdateExpression: 'SET #on = :f, offlineAt = :at, freeUnits = :z REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#on = :t AND lastHeartbeatMs = :last',
        ExpressionAttributeNames: { '#on': 'online' },
        ExpressionAttributeValues: { ':f': false, ':t': true, ':at': at, ':z': 0, ':last': lastHeartbeatMs },
      },
    },
  };
}

/**
 * Holds `n` of an online provider's units for a placed job: one hold item per job (PROV#<id> / HOLD#<job>)
 * and the provider's `heldUnits` counter, in one transaction. The guard keeps what is held within the units
 * the provider offers (`heldUnits <= units - n`) and within what its node last reported free: a joined
 * node's telemetry may not yet count a job it has just been given, the counter always does. True if the
 * job holds its units now (a second take for the same job holds nothing more); false if they are gone.
 */
export async function takeUnits(s: StoreCtx, id: string, r: { jobId: string; n: number; units: number }): Promise<boolean> {
  try {
    await transactWrite(s.doc, [
      {
        label: 'hold',
        item: {
          Put: {
            TableName: s.table,
            Item: { ...holdKey(id, r.jobId), kind: 'hold', providerId: id, jobId: r.jobId, units: r.n },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        label: `provider:${id}`,
        item: {
          Update: {
            TableName: s.table,
            Key: providerKey(id),
            UpdateExpression: 'SET heldUnits = if_not_exists(heldUnits, :z) + :n',
            ConditionExpression: '#on = :t AND freeUnits >= :n AND (attribute_not_exists(heldUnits) OR heldUnits <= :cap)',
            ExpressionAttributeNames: { '#on': 'online' },
            ExpressionAttributeValues: { ':n': r.n, ':t': true, ':z': 0, ':cap': r.units - r.n },
          },
        },
      },
    ]);
    return true;
  } catch (e) {
    if (e instanceof TransactionCancelledError && e.failed('hold')) return true;
    if (e instanceof TransactionCancelledError && e.failed(/^provider:/)) return false;
    throw e;
  }
}

/** Gives a job's held units back (its end, or a claim that did not happen). False if it held none (given back already). */
export async function releaseUnits(s: StoreCtx, id: string, jobId: string): Promise<boolean> {
  const hold = await s.doc.send(new GetCommand({ TableName: s.table, Key: holdKey(id, jobId), ConsistentRead: true }));
  if (!hold.Item) return false;
  const n = Number(hold.Item.units);
  try {
    await transactWrite(s.doc, [
      { label: 'hold', item: { Delete: { TableName: s.table, Key: holdKey(id, jobId), ConditionExpression: 'attribute_exists(pk)' } } },
      {
        label: `provider:${id}`,
        item: {
          Update: {
            TableName: s.table,
            Key: providerKey(id),
            UpdateExpression: 'SET heldUnits = heldUnits - :n',
            ConditionExpression: 'heldUnits >= :n',
            ExpressionAttributeValues: { ':n': n },
          },
        },
      },
    ]);
    return true;
  } catch (e) {
    if (e instanceof TransactionCancelledError && e.failed('hold')) return false;
    throw e;
  }
}

/** Opens a fresh evidence nonce (replacing any open one) on a verified provider. False when there is none. */
export async function openEvidenceNonce(s: StoreCtx, id: string, nonce: string, expiresAtMs: number): Promise<boolean> {
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: providerKey(id),
        UpdateExpression: 'SET evidenceNonce = :n, evidenceNonceExpiresAtMs = :e',
        ConditionExpression: 'attribute_exists(pk) AND #s = :v',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':n': nonce, ':e': expiresAtMs, ':v': 'VERIFIED' },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Records verified proofs and consumes the nonce they were made over, only while it is open and unexpired. False when the guard failed. */
export async function recordProofs(s: StoreCtx, id: string, r: { nonce: string; nowMs: number; proven: string }): Promise<boolean> {
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: providerKey(id),
        UpdateExpression: 'SET proven = :p REMOVE evidenceNonce, evidenceNonceExpiresAtMs',
        ConditionExpression: 'evidenceNonce = :n AND evidenceNonceExpiresAtMs > :now',
        ExpressionAttributeValues: { ':p': r.proven, ':n': r.nonce, ':now': r.nowMs },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}
