import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { formatAcu } from '../../platform/money.ts';
import { accountRoute } from '../api.ts';
import { kindOf } from '../domain/accounts.ts';
import { assertMayRead } from '../usecases/access.ts';
import { ledgerContext } from '../deps.ts';

export const handler = httpHandler(accountRoute, ledgerContext, async (req, d) => {
  const a = req.params.accountId;
  assertMayRead(mustPrincipal(req.principal), a);
  const shards = await d.ledger.shardBalances(a);
  return { account: a, kind: kindOf(a)!, balance: formatAcu(shards.reduce((s, b) => s + b, 0n)), shards: shards.length };
});
