/**
 * The one idempotency rule (STYLE: a domain rule, not a storage trick). A request is bound
 * to its key by a digest of what it asks for; a later request under the same key with the
 * same digest gets the original result back, with another digest it is refused with
 * `409 exists_with_different_payload`, whatever the context. Where the record lives (a
 * ledger transfer, a job, a listing marker) is each store's business; the rule is here.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from './canonical-json.ts';
import { AppError } from './errors.ts';

/** SHA-256 (hex) of the request's RFC 8785 canonical JSON: money as decimal strings, bigints as strings first. */
export const requestHash = (request: unknown): string => createHash('sha256').update(canonicalize(request)).digest('hex');

/** What an idempotency record remembers: the digest it was made for, and what it answered. */
export interface IdempotencyRecord<R> {
  requestHash: string;
  result: R;
}

/** The refusal for a key reused with another request; `what` names the key for the message. */
export const differentPayload = (what: string, extra: Record<string, unknown> = {}): AppError =>
  new AppError('exists_with_different_payload', `${what} was already used for a different request`, extra);

/**
 * Same digest → the recorded result (a replay); another digest → `exists_with_different_payload`;
 * no record → undefined (the request is new).
 */
export function replayOrReject<R>(
  record: IdempotencyRecord<R> | null | undefined,
  hash: string,
  what: string,
  extra: Record<string, unknown> = {},
): R | undefined {
  if (!record) return undefined;
  if (record.requestHash !== hash) throw differentPayload(what, extra);
  return record.result;
}
