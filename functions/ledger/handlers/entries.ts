import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { formatAcu } from '../../platform/money.ts';
import { entriesRoute } from '../api.ts';
import { assertMayRead } from '../usecases/access.ts';
import { ledgerContext } from '../deps.ts';

export const handler = httpHandler(entriesRoute, ledgerContext, async (req, d) => {
  const a = req.params.accountId;
  assertMayRead(mustPrincipal(req.principal), a);
  const page = await d.ledger.entries(a, { ...(req.query.limit ? { limit: req.query.limit } : {}), ...(req.query.cursor ? { cursor: req.query.cursor } : {}) });
  return {
    account: a,
    entries: page.entries.map((e) => ({ transferId: e.transferId, delta: formatAcu(e.delta), memo: e.memo, at: e.at })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
});
