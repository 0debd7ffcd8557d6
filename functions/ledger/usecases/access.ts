/**
 * Who may read which account: users their own user and arrears accounts; a provider its own
 * `provider:<id>` and `hold:<id>` accounts (a joined provider's principal id is its provider id); operators and
 * admins all. Anyone else's account reads as absent (404), as every owned resource does
 * (platform/auth/visibility.ts).
 */
import { maySee } from '../../platform/auth/visibility.ts';
import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { account, type AccountId } from '../domain/accounts.ts';

/** The principal an account belongs to (user and arrears accounts; provider accounts to a provider key), if any. */
function ownerOf(p: Principal, a: AccountId): string | undefined {
  if (/^(user|arrears):/.test(a)) return a.slice(a.indexOf(':') + 1);
  if (/^(provider|hold):/.test(a) && p.roles.includes('provider')) return a.slice(a.indexOf(':') + 1);
  return undefined;
}

export function assertMayRead(p: Principal, a: AccountId): void {
  // Accounts no user owns (providers, escrow, mint, ...) only the overseers see.
  if (maySee(p, { id: ownerOf(p, a) ?? '' }, ['operator'])) return;
  throw new AppError('not_found', `account ${a} not found (you may read ${account.user(p.id)} and ${account.arrears(p.id)})`, { account: a });
}
