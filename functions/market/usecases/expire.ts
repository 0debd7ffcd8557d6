/**
 * Expiry sweep: each RC past its expiry gets the γ split of its escrow (refund to the owner,
 * breakage to the provider), its open listings closed, its SCU given back to the provider's
 * capacity for its tenor (sold capacity is the notional of contracts still outstanding),
 * and status EXPIRED — one ledger transfer keyed `expire:<rcId>`, so a second or
 * concurrent sweep is a replay.
 */
import { AppError } from '../../platform/errors.ts';
import { allSettledOrThrow } from '../../platform/settled.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu, parseAcu } from '../../platform/money.ts';
import type { LabelledItem } from '../../platform/dynamo/transact.ts';
import { account, type Posting } from '../../ledger/index.ts';
import type { MarketDeps } from '../deps.ts';
import { expirySplit } from '../domain/expiry.ts';
import { dueRcIds, getRc, listingsOfRc, soldScuOf } from '../store/reads.ts';
import { capacityRelease, listingClose, rcExpired } from '../store/writes.ts';
import { requestHash } from '../../platform/idempotency.ts';
import { backoff, GUARD_ATTEMPTS, keptChanging, lostGuard } from './contention.ts';

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
export async function expireRc(d: MarketDeps, rcId: string): Promise<{ expired: ExpiredRc; replayed: boolean } | null> {
  const { rt, ledger, store } = d;
  for (let attempt = 1; ; attempt++) {
    const rc = await getRc(store, rcId);
    const nowIso = isoAt(rt.clock.nowMs());
    if (!rc || rc.status === 'EXPIRED' || rc.expiresAt > nowIso) return null;
    const split = expirySplit(rc.escrowMicro, rc.usedScu, rc.maxScu);
    const postings: Posting[] = [];
    if (split.refundMicro > 0n) postings.push({ from: account.escrow(rc.rcId), to: account.user(rc.ownerId), amount: split.refundMicro });
    if (split.breakageMicro > 0n) postings.push({ from: account.escrow(rc.rcId), to: account.provider(rc.providerId), amount: split.breakageMicro });
    const open = (await listingsOfRc(store, rc.rcId)).filter((l) => l.status === 'OPEN');
    // Never below zero, even if the counter was reset by hand since the sale.
    const sold = await soldScuOf(store, rc.providerId, rc.tenor);
    const giveBack = rc.maxScu < sold ? rc.maxScu : sold;
    const extra: LabelledItem[] = [
      rcExpired(store, rc, { at: nowIso, refundMicro: split.refundMicro, breakageMicro: split.breakageMicro }),
      ...open.map((l) => listingClose(store, l, 'CANCELLED')),
      ...(giveBack > 0n ? [capacityRelease(store, { providerId: rc.providerId, tenor: rc.tenor, scu: giveBack })] : []),
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
      const out = await ledger.transfer({
        key: `expire:${rc.rcId}`,
        requestHash: requestHash({ rcId: rc.rcId }),
        postings,
        memo: `expire ${rc.rcId}`,
        extra,
        result: expired,
      });
      return { expired: out.result, replayed: out.replayed };
    } catch (err) {
      if (!lostGuard(err, /^(rc|listing|capacity):/)) throw err;
      if (attempt >= GUARD_ATTEMPTS) throw keptChanging(`RC ${rcId}`);
      await backoff(attempt);
    }
  }
}

/** Expires every due RC, up to `limit` per call; `unscannedShards` counts the shards left for the next sweep (a read that failed transiently). */
export async function expireDue(d: MarketDeps, limit = 500) {
  const { ids, unscannedShards } = await dueRcIds(d.store, isoAt(d.rt.clock.nowMs()), limit);
  const expired: ExpiredRc[] = [];
  let refund = 0n;
  let breakage = 0n;
  // An RC whose writes keep winning over the sweep is left for the next one, not a failed sweep.
  let busy = 0;
  const attempt = (id: string) =>
    expireRc(d, id).catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      busy++;
      return null;
    });
  // A few at a time: each is its own transaction, and the engine serialises them anyway. Every
  // one of a batch settles before the sweep answers or fails (a retried sweep must not run
  // beside the writes of the one that failed).
  for (let i = 0; i < ids.length; i += 8) {
    for (const o of await allSettledOrThrow(ids.slice(i, i + 8).map(attempt))) {
      if (!o || o.replayed) continue;
      expired.push(o.expired);
    }
  }
  for (const e of expired) {
    refund += parseAcu(e.refund);
    breakage += parseAcu(e.breakage);
  }
  return {
    scanned: ids.length,
    unscannedShards: unscannedShards.length,
    expiredCount: expired.length,
    busy,
    refundTotal: formatAcu(refund),
    breakageTotal: formatAcu(breakage),
    expired,
  };
}
