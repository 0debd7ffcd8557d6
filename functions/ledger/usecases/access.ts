/**
 * Who may read which account: users their own user and arrears accounts; operators and
 * admins all. Anyone else's account reads as absent (404), as every owned resource does
 * (platform/auth/visibility.ts).
 */
import { maySee } from '../../platform/auth/visibility.ts';
import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { account, type AccountId } from '../domain/accounts.ts';

/** The user an account belongs to (their own and arrears accounts), if any. */
const ownerOf = (a: AccountId): string | undefined => (/^(user|arrears):/.test(a) ? a.slice(a.indexOf(':') + 1) : undefined);

export function assertMayRead(p: Principal, a: AccountId): void {
  // Accounts no user owns (providers, escrow, mint, ...) only the overseers see.
  if (maySee(p, { id: ownerOf(a) ?? '' }, ['operator'])) return;
  throw new AppError('not_found', `account ${a} not found (you may read ${account.user(p.id)} and ${account.arrears(p.id)})`, { account: a });
}
