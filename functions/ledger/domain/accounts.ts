/**
 * Ledger accounts. An id names its kind: `user:<principalId>`, `provider:<providerId>`,
 * `escrow:<rcId>`, `arrears:<principalId>`, `hold:<providerId>`, `platform`, `mint`.
 * `hold:<p>` keeps the part of provider p's spot earnings held for the dispute window
 * (docs/market.md, "Settlement holds"); each job's share of it is on the job's allocation record.
 */
export type AccountKind = 'user' | 'provider' | 'escrow' | 'platform' | 'mint' | 'arrears' | 'hold';

export type AccountId = string;

export const account = {
  user: (id: string): AccountId => `user:${id}`,
  provider: (id: string): AccountId => `provider:${id}`,
  escrow: (rcId: string): AccountId => `escrow:${rcId}`,
  arrears: (id: string): AccountId => `arrears:${id}`,
  hold: (providerId: string): AccountId => `hold:${providerId}`,
  platform: 'platform',
  mint: 'mint',
} as const;

const OWNED = /^(user|provider|escrow|arrears|hold):([A-Za-z0-9_.-]{1,128})$/;

/** The account's kind, or undefined when the id is not a ledger account. */
export function kindOf(a: AccountId): AccountKind | undefined {
  if (a === 'platform' || a === 'mint') return a;
  const m = OWNED.exec(a);
  return m ? (m[1] as AccountKind) : undefined;
}

export const isAccountId = (a: string): boolean => kindOf(a) !== undefined;

/**
 * Boundary accounts may go negative: `mint` holds −(minted − burned) and `arrears:<p>`
 * holds what a principal owes. Every other account's debit is guarded `balance >= amount`.
 */
export const mayGoNegative = (a: AccountId): boolean => {
  const k = kindOf(a);
  return k === 'mint' || k === 'arrears';
};

/**
 * Hot accounts are credited on every job; one DynamoDB item takes about 500 transactional
 * writes/s, so they are spread over shards whose sum is the balance.
 */
export const DEFAULT_HOT_SHARDS = 8;

export function defaultShardsFor(a: AccountId): number {
  const k = kindOf(a);
  return k === 'provider' || k === 'hold' || k === 'platform' ? DEFAULT_HOT_SHARDS : 1;
}
