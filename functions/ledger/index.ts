/**
 * The ledger's face to other contexts: the double-entry engine (one guarded transaction
 * per money movement), accounts, minting and the conservation checker. Other contexts
 * import from here only.
 */
export { Ledger, ledgerFor, type LedgerDeps as LedgerEngineDeps, type TransferOutcome, type TransferRequest } from './usecases/transfer.ts';
export { account, type AccountId, type AccountKind } from './domain/accounts.ts';
export { InvalidPostingError, TransferTooLargeError, type Posting } from './domain/postings.ts';
export type { LedgerEntry } from './store/entries.ts';
export { mint, mintPostings, type MintInput, type MintResult } from './usecases/mint.ts';
export { checkLedger, checkRuntimeLedger, reportJson, type LedgerCheck } from './usecases/check.ts';
