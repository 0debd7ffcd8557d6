/**
 * Market writes are optimistic: each is planned from a read and guarded by the items'
 * versions, and a guard lost to a concurrent writer (a seller's RC is also drawn by that
 * seller's jobs) means read, plan and try again. Retries back off exponentially with full
 * jitter; a guard that keeps losing is a 409 `conflict` for the caller to retry, never a 5xx.
 */
import { AppError } from '../../platform/errors.ts';
import { TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import { jitteredDelayMs } from '../../platform/dynamo/retry.ts';

export const GUARD_ATTEMPTS = 12;
const GUARD_BACKOFF = { baseMs: 10, capMs: 200 };

export const backoff = (attempt: number): Promise<void> => new Promise((r) => setTimeout(r, jitteredDelayMs(GUARD_BACKOFF, attempt)));

/** A transaction cancelled by a failed guard on an item whose label matches. */
export const lostGuard = (err: unknown, label: RegExp): boolean => err instanceof TransactionCancelledError && err.failed(label) !== undefined;

export const keptChanging = (what: string): AppError => new AppError('conflict', `${what} kept changing under concurrent writes; retry`);
