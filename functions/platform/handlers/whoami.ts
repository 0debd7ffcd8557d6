import { httpHandler, mustPrincipal } from '../http/handler.ts';
import { whoami } from '../api.ts';
import { platformContext } from '../deps.ts';

export const handler = httpHandler(whoami, platformContext, async (req) => {
  const p = mustPrincipal(req.principal);
  return { principalId: p.id, tenant: p.tenant, roles: p.roles, keyId: p.keyId };
});
