/**
 * The double-entry ledger: every transfer is one TransactWriteItems holding guarded
 * debits, credits, one immutable entry per account touched, a transfer record and an
 * idempotency record, plus the caller's own writes (`extra`). See docs/ledger.md.
 */
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { AppError } from '../../platform/errors.ts';
import { ledgerError } from '../errors.ts';
import { replayOrReject, type IdempotencyRecord } from '../../platform/idempotency.ts';
import { isoAt, type Clock } from '../../platform/clock.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { Json } from '../../platform/canonical-json.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { transactWrite, TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import { defaultShardsFor, kindOf, mayGoNegative, type AccountId } from '../domain/accounts.ts';
import { assertFits, netChanges, validateKey, validatePostings, type Posting } from '../domain/postings.ts';
import { creditShard, planDebit, type ShardDraw } from '../domain/shards.ts';
import { listEntries, type LedgerEntry } from '../store/entries.ts';
import { entriesGsiPk, IDEMPOTENCY_RETENTION_DAYS } from '../store/keys.ts';
import { allBalances, idempotencyRecordOf, shardBalancesOf } from '../store/reads.ts';
import { accountOpen, entryRecord, idempotencyRecord, shardCredit, shardDebit, transferRecord } from '../store/writes.ts';

export { account, type AccountId, type AccountKind } from '../domain/accounts.ts';
export type { Posting } from '../domain/postings.ts';
export { InvalidPostingError, TransferTooLargeError } from '../domain/postings.ts';
export type { LedgerEntry } from '../store/entries.ts';

export interface TransferRequest<R extends Json = Json> {
  /** Idempotency key, already scoped by the caller, e.g. `purchase:prn_x:<Idempotency-Key>`. */
  key: string;
  /** Digest of the request; the same key with another hash is rejected (409). */
  requestHash: string;
  /** May be empty: then only `extra` and the records commit. */
  postings: Posting[];
  memo: string;
  /** Other writes committed atomically with the money (RC puts, capacity updates). */
  extra?: LabelledItem[];
  /** Stored for replays; JSON-safe (money formatted first). A replay returns it as stored. */
  result: R;
  /** The transfer's id when the caller names it first (so `result` can carry it); else one is drawn. */
  transferId?: string;
}

export interface TransferOutcome<R extends Json = Json> {
  transferId: string;
  replayed: boolean;
  result: R;
}

export interface LedgerDeps {
  doc: StoreCtx['doc'];
  table: string;
  clock: Clock;
  ids: IdGenerator;
  shardsFor?: (a: AccountId) => number;
}

/** Re-reads of sharded balances after a guard lost to a concurrent debit, with jitter between them. */
const SHARD_REREADS = 8;
const REREAD_JITTER_MS = 20;
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Ledger {
  readonly table: string;
  private readonly doc: StoreCtx['doc'];
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  readonly shardsFor: (a: AccountId) => number;

  private get store() {
    return { doc: this.doc, table: this.table };
  }

  constructor(deps: LedgerDeps) {
    this.doc = deps.doc;
    this.table = deps.table;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.shardsFor = deps.shardsFor ?? defaultShardsFor;
  }

  /**
   * Applies the postings exactly once per key. Insufficient funds → AppError
   * `insufficient_funds` with `{ account }`; a failed condition of an `extra` item →
   * the TransactionCancelledError itself (the caller maps its own labels).
   */
  async transfer<R extends Json>(req: TransferRequest<R>): Promise<TransferOutcome<R>> {
    validateKey(req.key, req.requestHash);
    validatePostings(req.postings);
    const net = netChanges(req.postings);
    const transferId = req.transferId ?? this.ids.next('txn');
    const at = isoAt(this.clock.nowMs());
    const records = this.recordItems(req, transferId, at, net);
    const extra = req.extra ?? [];
    for (let attempt = 1; ; attempt++) {
      const moves = await this.balanceItems(net, transferId);
      if (moves.short) return this.insufficient(req, moves.short);
      const items = [...records, ...moves.items, ...extra];
      assertFits(items.length);
      try {
        await transactWrite(this.doc, items);
        return { transferId, replayed: false, result: req.result };
      } catch (err) {
        if (!(err instanceof TransactionCancelledError) || !err.failedCondition()) throw err;
        // Whatever else failed, an existing record for this key decides the answer.
        const replay = await this.replayOf<R>(req);
        if (replay) return replay;
        const debit = err.failed(/^debit:/);
        if (debit) {
          const acct = debit.label.slice('debit:'.length).replace(/#\d+$/, '');
          if (this.shardsFor(acct) > 1 && attempt < SHARD_REREADS) {
            await pause(Math.floor(Math.random() * REREAD_JITTER_MS * attempt));
            continue;
          }
          return this.insufficient(req, acct);
        }
        const credit = err.failed(/^credit:/);
        if (credit) {
          const acct = credit.label.slice('credit:'.length).replace(/#\d+$/, '');
          throw new AppError('conflict', `settling ${acct} would exceed what is owed; retry`, { account: acct });
        }
        throw err;
      }
    }
  }

  /**
   * The stored outcome of a key, if it was applied. `R` is what the caller stored under its
   * own key (the ledger wrote it from a value of that type and never changes it).
   */
  async lookup<R extends Json = Json>(key: string): Promise<(IdempotencyRecord<R> & { transferId: string }) | null> {
    return (await idempotencyRecordOf(this.store, key)) as (IdempotencyRecord<R> & { transferId: string }) | null;
  }

  /** The original outcome of a request already applied under its key; `exists_with_different_payload` for another request. */
  async replayOf<R extends Json>(req: Pick<TransferRequest<R>, 'key' | 'requestHash'>): Promise<TransferOutcome<R> | null> {
    const prior = await this.lookup<R>(req.key);
    const result = replayOrReject(prior, req.requestHash, `key ${req.key}`, { key: req.key });
    return prior && result !== undefined ? { transferId: prior.transferId, replayed: true, result } : null;
  }

  /** A transaction part that opens `a` at a zero balance (see store/writes.ts `accountOpen`); for another context's atomic write. */
  openAccountItem(a: AccountId): LabelledItem {
    const kind = kindOf(a);
    if (!kind) throw new RangeError(`not a ledger account: ${a}`);
    return accountOpen(this.table, { account: a, kind });
  }

  /** Sum of the account's shards; 0 for an account never touched. */
  async balance(a: AccountId): Promise<bigint> {
    return (await this.shardBalances(a)).reduce((s, b) => s + b, 0n);
  }

  /** Every account's balance (sum of shards), optionally only ids starting with `prefix`. */
  balances(prefix = ''): Promise<Map<AccountId, bigint>> {
    return allBalances(this.store, prefix);
  }

  /** One page of an account's entries, oldest first (transfer ids are time-ordered). */
  entries(a: AccountId, opts: { limit?: number; cursor?: string } = {}): Promise<{ entries: LedgerEntry[]; cursor?: string }> {
    return listEntries(this.doc, this.table, a, this.shardsFor(a), opts);
  }

  /** Balances of each shard of an account (index = shard). */
  shardBalances(a: AccountId): Promise<bigint[]> {
    return shardBalancesOf(this.store, a, this.shardsFor(a));
  }

  /**
   * The idempotency record and the entries. The transfer's header (key, memo, postings)
   * rides on its first entry rather than an item of its own: one write fewer in every
   * money movement. A transfer whose postings cancel out (no entry) keeps a header item.
   */
  private recordItems(req: TransferRequest<Json>, transferId: string, at: string, net: Map<AccountId, bigint>): LabelledItem[] {
    const ttlSec = Math.floor(this.clock.nowMs() / 1000) + IDEMPOTENCY_RETENTION_DAYS * 86_400;
    const header = { key: req.key, postings: req.postings.map((p) => ({ from: p.from, to: p.to, amount: p.amount })) };
    const items: LabelledItem[] = [idempotencyRecord(this.table, { key: req.key, requestHash: req.requestHash, result: req.result, transferId, at, ttlSec })];
    if (net.size === 0) items.push(transferRecord(this.table, { transferId, memo: req.memo, at, header }));
    let first = true;
    for (const [a, delta] of net) {
      items.push(
        entryRecord(this.table, {
          transferId,
          account: a,
          delta,
          memo: req.memo,
          at,
          entriesPartition: this.entriesPartition(a, transferId),
          header: first ? header : undefined,
        }),
      );
      first = false;
    }
    return items;
  }

  /** Shard updates for the net changes; `short` names an account that cannot pay. */
  private async balanceItems(net: Map<AccountId, bigint>, transferId: string): Promise<{ items: LabelledItem[]; short?: AccountId }> {
    const items: LabelledItem[] = [];
    for (const [a, delta] of net) {
      if (delta > 0n) {
        items.push(this.creditItem(a, creditShard(`${transferId}:${a}`, this.shardsFor(a)), delta));
        continue;
      }
      const amount = -delta;
      let draws: ShardDraw[] | null;
      if (mayGoNegative(a) || this.shardsFor(a) === 1) draws = [{ shard: 0, amount }];
      else draws = planDebit(await this.shardBalances(a), amount, `${transferId}:${a}`);
      if (!draws) return { items, short: a };
      for (const d of draws) items.push(this.debitItem(a, d));
    }
    return { items };
  }

  private creditItem(a: AccountId, shard: number, amount: bigint): LabelledItem {
    return shardCredit(this.table, { account: a, kind: kindOf(a)!, shard, amount });
  }

  private debitItem(a: AccountId, d: ShardDraw): LabelledItem {
    return shardDebit(this.table, { account: a, kind: kindOf(a)!, draw: d, guarded: !mayGoNegative(a) });
  }

  private entriesPartition(a: AccountId, transferId: string): string {
    const n = this.shardsFor(a);
    return entriesGsiPk(a, n > 1 ? creditShard(`${transferId}:${a}`, n) : undefined);
  }

  private async insufficient<R extends Json>(req: TransferRequest<R>, a: AccountId): Promise<TransferOutcome<R>> {
    // A replay of a transfer that already spent the funds is not a shortfall.
    const replay = await this.replayOf<R>(req);
    if (replay) return replay;
    throw ledgerError('insufficient_funds', `account ${a} has insufficient funds`, { account: a });
  }
}

/** The ledger on the runtime's ledger table. */
export function ledgerFor(rt: Runtime): Ledger {
  return new Ledger({ doc: rt.doc, table: rt.table('ledger'), clock: rt.clock, ids: rt.ids });
}
