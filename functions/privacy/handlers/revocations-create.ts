import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { revokeRoute } from '../api.ts';
import { privacyContext } from '../deps.ts';
import { revokeAs } from '../usecases/revoke.ts';
import { revocationView } from '../views.ts';

export const handler = httpHandler(revokeRoute, privacyContext, async (req, d) => {
  const r = await revokeAs(d, mustPrincipal(req.principal), req.body);
  return { ...r, revocation: revocationView(r.revocation) };
});
