/** Who may read which account: users their own user and arrears accounts; operators and admins all. */
import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { account, type AccountId } from './transfer.ts';

export function assertMayRead(p: Principal, a: AccountId): void {
  if (p.roles.includes('admin') || p.roles.includes('operator')) return;
  if (a === account.user(p.id) || a === account.arrears(p.id)) return;
  throw new AppError('forbidden', `you may read only ${account.user(p.id)} and ${account.arrears(p.id)}`, { account: a });
}
