/**
 * Validation of postings and their netting per account. A transaction may touch an item
 * once, so several postings on one account become one net change.
 */
import { isAccountId, type AccountId } from './accounts.ts';

export interface Posting {
  from: AccountId;
  to: AccountId;
  /** µACU, strictly positive. */
  amount: bigint;
}

/** A caller bug (bad posting), never user input: the API validates before it gets here. */
export class InvalidPostingError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`posting #${index} is invalid: ${reason}`);
    this.name = 'InvalidPostingError';
  }
}

/** More writes than one TransactWriteItems can hold. */
export class TransferTooLargeError extends Error {
  constructor(readonly items: number) {
    super(`a transfer must fit in one transaction of at most ${MAX_TRANSACTION_ITEMS} items; this one needs ${items}`);
    this.name = 'TransferTooLargeError';
  }
}

export const MAX_TRANSACTION_ITEMS = 100;
/** The key becomes part of an item key (`IDEM#<key>`, at most 2048 bytes in DynamoDB). */
export const MAX_KEY_LENGTH = 1024;

/** A transfer's key and request hash: caller bugs, like bad postings. */
export function validateKey(key: string, requestHash: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) throw new RangeError(`a transfer key must be 1-${MAX_KEY_LENGTH} characters`);
  if (typeof requestHash !== 'string' || requestHash.length === 0) throw new RangeError('a transfer needs a request hash');
}

export function validatePostings(postings: readonly Posting[]): void {
  postings.forEach((p, i) => {
    if (typeof p.amount !== 'bigint') throw new InvalidPostingError(i, 'amount must be a bigint of µACU');
    if (p.amount <= 0n) throw new InvalidPostingError(i, `amount must be greater than zero, got ${p.amount}`);
    if (!isAccountId(p.from)) throw new InvalidPostingError(i, `unknown account "${p.from}"`);
    if (!isAccountId(p.to)) throw new InvalidPostingError(i, `unknown account "${p.to}"`);
    if (p.from === p.to) throw new InvalidPostingError(i, `from and to are the same account "${p.from}"`);
  });
}

/** Net change per account (credits positive), accounts with a zero net left out, in first-seen order. */
export function netChanges(postings: readonly Posting[]): Map<AccountId, bigint> {
  const net = new Map<AccountId, bigint>();
  for (const p of postings) {
    net.set(p.from, (net.get(p.from) ?? 0n) - p.amount);
    net.set(p.to, (net.get(p.to) ?? 0n) + p.amount);
  }
  for (const [a, v] of net) if (v === 0n) net.delete(a);
  return net;
}

/** Fails early when the writes cannot fit in one transaction. */
export function assertFits(items: number): void {
  if (items > MAX_TRANSACTION_ITEMS) throw new TransferTooLargeError(items);
}
