/**
 * Item layout of the ledger table.
 *   ACCT#<account> / SHARD#nn     balance shard (`balance`, `account`, `kind`)
 *   XFER#<transferId> / ENTRY#<account>  immutable entry: the account's net change in that
 *                                 transfer; gsi1 ENTRIES#<account>[#nn] / <transferId> lists an account's entries;
 *                                 the transfer's first entry also holds its header (key, postings)
 *   XFER#<transferId> / XFER      header of a transfer without entries (postings that cancel out)
 *   IDEM#<key> / IDEM             idempotency record (requestHash, result), expires after 400 days
 */
import type { AccountId } from '../domain/accounts.ts';

export const acctPk = (a: AccountId): string => `ACCT#${a}`;
export const xferPk = (transferId: string): string => `XFER#${transferId}`;
export const TRANSFER_SK = 'XFER';
export const entrySk = (a: AccountId): string => `ENTRY#${a}`;
/** A hot account's entries are spread over one gsi1 partition per balance shard. */
export const entriesGsiPk = (a: AccountId, shard?: number): string => (shard === undefined ? `ENTRIES#${a}` : `ENTRIES#${a}#${String(shard).padStart(2, '0')}`);
export const idemPk = (key: string): string => `IDEM#${key}`;
export const IDEM_SK = 'IDEM';

/** Far beyond DynamoDB's 10-minute ClientRequestToken window. */
export const IDEMPOTENCY_RETENTION_DAYS = 400;
