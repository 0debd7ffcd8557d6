/**
 * Minting: ACU enter the ledger from the `mint` boundary account (the stand-in for card
 * top-ups). Arrears are settled first, in the same transaction.
 */
import { AppError } from '../../platform/errors.ts';
import { requestHash as hashOf } from '../../platform/idempotency.ts';
import { formatAcu, minBig } from '../../platform/money.ts';
import { account, type Ledger, type Posting } from './transfer.ts';

export interface MintInput {
  /** Principal id of the user credited. */
  user: string;
  amount: bigint;
  memo?: string | undefined;
}

export interface MintResult {
  transferId: string;
  replayed: boolean;
  user: string;
  amount: string;
  settledArrears: string;
  credited: string;
}

/** Postings of a mint given what the user owes (a positive number, or 0). */
export function mintPostings(user: string, amount: bigint, owed: bigint): { postings: Posting[]; settle: bigint } {
  const settle = owed > 0n ? minBig(amount, owed) : 0n;
  const postings: Posting[] = [{ from: account.mint, to: account.user(user), amount }];
  if (settle > 0n) postings.push({ from: account.user(user), to: account.arrears(user), amount: settle });
  return { postings, settle };
}

const SETTLE_ATTEMPTS = 3;

/** `scope` names the caller (the key is theirs). */
export async function mint(ledger: Ledger, scope: string, idempotencyKey: string, input: MintInput): Promise<MintResult> {
  const key = `mint:${scope}:${idempotencyKey}`;
  const requestHash = hashOf({ user: input.user, amount: formatAcu(input.amount), memo: input.memo ?? null });
  for (let attempt = 1; ; attempt++) {
    const owed = -(await ledger.balance(account.arrears(input.user)));
    const { postings, settle } = mintPostings(input.user, input.amount, owed);
    const result = { user: input.user, amount: formatAcu(input.amount), settledArrears: formatAcu(settle), credited: formatAcu(input.amount - settle) };
    try {
      const out = await ledger.transfer({ key, requestHash, postings, memo: input.memo ?? `mint to ${input.user}`, result });
      return { ...out.result, transferId: out.transferId, replayed: out.replayed };
    } catch (err) {
      // Another settlement paid the same arrears meanwhile: recompute what is owed.
      if (err instanceof AppError && err.code === 'conflict' && attempt < SETTLE_ATTEMPTS) continue;
      throw err;
    }
  }
}
