/**
 * Expiry sweep: each RC past its expiry gets the γ split of its escrow (refund to the owner,
 * breakage to the provider), its open listings closed, its SCU given back to the provider's
 * capacity for its tenor (sold capacity is the notional of contracts still outstanding),
 * and status EXPIRED — one ledger transfer keyed `expire:<rcId>`, so a second or
 * concurrent sweep is a replay.
 */
import { AppError } from '../../platform/errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu, parseAcu } from '../../platform/money.ts';
import type { LabelledItem } from '../../platform/dynamo/transact.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { account, ledgerFor, type Posting } from '../../ledger/index.ts';
import { expirySplit } from '../domain/expiry.ts';
import { capacityKey, rcKey } from '../store/keys.ts';
import { dueRcIds, getRc, listingsOfRc, soldScuOf } from '../store/reads.ts';
import { requestHash } from '../../platform/idempotency.ts';
import { backoff, GUARD_ATTEMPTS, keptChanging, lostGuard } from './contention.ts';
import { closeListingItem } from './secondary.ts';

export type ExpiredRc = {
  rcId: string;
  ownerId: string;
  providerId: string;
  usedScu: number;
  maxScu: number;
  refund: string;
  breakage: string;
};

/** Expires one RC if it is due; null when it is not due or already expired. */
export async function expireRc(rt: Runtime, rcId: string): Promise<{ expired: ExpiredRc; replayed: boolean } | null> {
  const ledger = ledgerFor(rt);
  for (let attempt = 1; ; attempt++) {
    const rc = await getRc(rt, rcId);
    const nowIso = isoAt(rt.clock.nowMs());
    if (!rc || rc.status === 'EXPIRED' || rc.expiresAt > nowIso) return null;
    const split = expirySplit(rc.escrowMicro, rc.usedScu, rc.maxScu);
    const postings: Posting[] = [];
    if (split.refundMicro > 0n) postings.push({ from: account.escrow(rc.rcId), to: account.user(rc.ownerId), amount: split.refundMicro });
    if (split.breakageMicro > 0n) postings.push({ from: account.escrow(rc.rcId), to: account.provider(rc.providerId), amount: split.breakageMicro });
    const open = (await listingsOfRc(rt, rc.rcId)).filter((l) => l.status === 'OPEN');
    // Never below zero, even if the counter was reset by hand since the sale.
    const sold = await soldScuOf(rt, rc.providerId, rc.tenor);
    const giveBack = rc.maxScu < sold ? rc.maxScu : sold;
    const extra: LabelledItem[] = [
      {
        label: `rc:${rc.rcId}`,
        item: {
          Update: {
            TableName: rt.table('market'),
            Key: rcKey(rc.rcId),
            UpdateExpression: 'SET #s = :x, escrowMicro = :z, listedScu = :z, expiredAt = :at, refundMicro = :r, breakageMicro = :b, version = :nv REMOVE gsi2pk, gsi2sk',
            ConditionExpression: 'version = :v',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':x': 'EXPIRED', ':z': 0n, ':at': nowIso, ':r': split.refundMicro, ':b': split.breakageMicro, ':v': rc.version, ':nv': rc.version + 1n },
          },
        },
      },
      ...open.map((l) => closeListingItem(rt, l, 'CANCELLED')),
      ...(giveBack > 0n
        ? [
            {
              label: `capacity:${rc.providerId}:${rc.tenor}`,
              item: {
                Update: {
                  TableName: rt.table('market'),
                  Key: capacityKey(rc.providerId, rc.tenor),
                  UpdateExpression: 'ADD soldScu :minus',
                  ConditionExpression: 'soldScu >= :back',
                  ExpressionAttributeValues: { ':minus': -giveBack, ':back': giveBack },
                },
              },
            },
          ]
        : []),
    ];
    const expired: ExpiredRc = {
      rcId: rc.rcId,
      ownerId: rc.ownerId,
      providerId: rc.providerId,
      usedScu: Number(rc.usedScu),
      maxScu: Number(rc.maxScu),
      refund: formatAcu(split.refundMicro),
      breakage: formatAcu(split.breakageMicro),
    };
    try {
      const out = await ledger.transfer({ key: `expire:${rc.rcId}`, requestHash: requestHash({ rcId: rc.rcId }), postings, memo: `expire ${rc.rcId}`, extra, result: expired });
      return { expired: out.result, replayed: out.replayed };
    } catch (err) {
      if (!lostGuard(err, /^(rc|listing|capacity):/)) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`RC ${rcId}`);
      await backoff(attempt);
    }
  }
}

/** Expires every due RC, up to `limit` per call. */
export async function expireDue(rt: Runtime, limit = 500) {
  const ids = await dueRcIds(rt, isoAt(rt.clock.nowMs()), limit);
  const expired: ExpiredRc[] = [];
  let refund = 0n;
  let breakage = 0n;
  // An RC whose writes keep winning over the sweep is left for the next one, not a failed sweep.
  let busy = 0;
  const attempt = (id: string) =>
    expireRc(rt, id).catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      busy++;
      return null;
    });
  // A few at a time: each is its own transaction, and the engine serialises them anyway.
  for (let i = 0; i < ids.length; i += 8) {
    const outs = await Promise.all(ids.slice(i, i + 8).map(attempt));
    for (const o of outs) {
      if (!o || o.replayed) continue;
      expired.push(o.expired);
    }
  }
  for (const e of expired) {
    refund += parseAcu(e.refund);
    breakage += parseAcu(e.breakage);
  }
  return { scanned: ids.length, expiredCount: expired.length, busy, refundTotal: formatAcu(refund), breakageTotal: formatAcu(breakage), expired };
}
