/**
 * The ledger's writes as named transaction parts: each money movement is one transaction of
 * them (functions/ledger/usecases/transfer.ts). Labels name the guard that fails:
 *   idempotency        the key is applied once
 *   transfer / entry:  immutable records, written once (IAM denies changing them too)
 *   debit:<account>#n  a shard that may not go negative pays only what it holds
 *   credit:<account>#n an arrears shard is settled at most to zero
 */
import type { LabelledItem } from '../../platform/dynamo/transact.ts';
import type { AccountId, AccountKind } from '../domain/accounts.ts';
import type { Posting } from '../domain/postings.ts';
import type { ShardDraw } from '../domain/shards.ts';
import { shardKey } from '../domain/shards.ts';
import { acctPk, entrySk, IDEM_SK, idemPk, TRANSFER_SK, xferPk } from './keys.ts';

/** What a transfer records besides its entries: its key and postings (read by the checker and the API). */
export interface TransferHeader {
  key: string;
  postings: Pick<Posting, 'from' | 'to' | 'amount'>[];
}

/** The key's idempotency record, with what it answered, kept until `ttlSec`. */
export function idempotencyRecord(
  table: string,
  r: { key: string; requestHash: string; result: unknown; transferId: string; at: string; ttlSec: number },
): LabelledItem {
  return {
    label: 'idempotency',
    item: {
      Put: {
        TableName: table,
        Item: {
          pk: idemPk(r.key),
          sk: IDEM_SK,
          key: r.key,
          requestHash: r.requestHash,
          result: JSON.stringify(r.result),
          transferId: r.transferId,
          at: r.at,
          ttl: r.ttlSec,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** The header of a transfer whose postings cancel out (no entry to carry it). */
export function transferRecord(table: string, t: { transferId: string; memo: string; at: string; header: TransferHeader }): LabelledItem {
  return {
    label: 'transfer',
    item: {
      Put: {
        TableName: table,
        Item: { pk: xferPk(t.transferId), sk: TRANSFER_SK, transferId: t.transferId, memo: t.memo, at: t.at, ...t.header },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** One account's immutable entry in a transfer; the first entry also carries the transfer's header. */
export function entryRecord(
  table: string,
  e: { transferId: string; account: AccountId; delta: bigint; memo: string; at: string; entriesPartition: string; header?: TransferHeader | undefined },
): LabelledItem {
  return {
    label: `entry:${e.account}`,
    item: {
      Put: {
        TableName: table,
        Item: {
          pk: xferPk(e.transferId),
          sk: entrySk(e.account),
          account: e.account,
          transferId: e.transferId,
          delta: e.delta,
          memo: e.memo,
          at: e.at,
          gsi1pk: e.entriesPartition,
          gsi1sk: e.transferId,
          ...(e.header ?? {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** Adds to one shard; an arrears account (a debt, negative) may be settled to zero, never above. */
export function shardCredit(table: string, c: { account: AccountId; kind: AccountKind; shard: number; amount: bigint }): LabelledItem {
  const settle = c.kind === 'arrears';
  return {
    label: `credit:${c.account}#${c.shard}`,
    item: {
      Update: {
        TableName: table,
        Key: { pk: acctPk(c.account), sk: shardKey(c.shard) },
        UpdateExpression: 'ADD balance :amt SET account = :a, kind = :k',
        ...(settle ? { ConditionExpression: 'balance <= :neg' } : {}),
        ExpressionAttributeValues: { ':amt': c.amount, ':a': c.account, ':k': c.kind, ...(settle ? { ':neg': -c.amount } : {}) },
      },
    },
  };
}

/** Takes from one shard; `guarded` (every account that may not go negative) pays only what the shard holds. */
export function shardDebit(table: string, d: { account: AccountId; kind: AccountKind; draw: ShardDraw; guarded: boolean }): LabelledItem {
  return {
    label: `debit:${d.account}#${d.draw.shard}`,
    item: {
      Update: {
        TableName: table,
        Key: { pk: acctPk(d.account), sk: shardKey(d.draw.shard) },
        UpdateExpression: 'ADD balance :neg SET account = :a, kind = :k',
        ...(d.guarded ? { ConditionExpression: 'balance >= :amt' } : {}),
        ExpressionAttributeValues: { ':neg': -d.draw.amount, ':a': d.account, ':k': d.kind, ...(d.guarded ? { ':amt': d.draw.amount } : {}) },
      },
    },
  };
}

/**
 * Opens an account: its first shard at a zero balance, so the account exists (and is listed)
 * before money reaches it. Written with the records that give the account its owner (a provider
 * joining); an account already open is left as it is.
 */
export function accountOpen(table: string, a: { account: AccountId; kind: AccountKind }): LabelledItem {
  return {
    label: `open:${a.account}`,
    item: {
      Update: {
        TableName: table,
        Key: { pk: acctPk(a.account), sk: shardKey(0) },
        UpdateExpression: 'SET account = :a, kind = :k, balance = if_not_exists(balance, :z)',
        ExpressionAttributeValues: { ':a': a.account, ':k': a.kind, ':z': 0n },
      },
    },
  };
}
