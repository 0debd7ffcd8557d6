import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { formatAcu } from '../../platform/money.ts';
import { accountRoute } from '../api.ts';
import { ledgerFor } from '../ledger.ts';
import { kindOf } from '../domain/accounts.ts';
import { assertMayRead } from '../access.ts';

export const handler = httpHandler(accountRoute, async (req, rt) => {
  const a = req.params.accountId;
  assertMayRead(mustPrincipal(req.principal), a);
  const ledger = ledgerFor(rt);
  const shards = await ledger.shardBalances(a);
  return { account: a, kind: kindOf(a)!, balance: formatAcu(shards.reduce((s, b) => s + b, 0n)), shards: shards.length };
});
