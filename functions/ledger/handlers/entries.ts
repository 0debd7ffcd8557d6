import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { formatAcu } from '../../platform/money.ts';
import { entriesRoute } from '../api.ts';
import { ledgerFor } from '../ledger.ts';
import { assertMayRead } from '../access.ts';

export const handler = httpHandler(entriesRoute, async (req, rt) => {
  const a = req.params.accountId;
  assertMayRead(mustPrincipal(req.principal), a);
  const page = await ledgerFor(rt).entries(a, { ...(req.query.limit ? { limit: req.query.limit } : {}), ...(req.query.cursor ? { cursor: req.query.cursor } : {}) });
  return {
    account: a,
    entries: page.entries.map((e) => ({ transferId: e.transferId, delta: formatAcu(e.delta), memo: e.memo, at: e.at })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
});
