import { httpHandler } from '../http/handler.ts';
import { createKey } from '../auth/keys.ts';
import { createKeyRoute } from '../api.ts';
import { platformContext } from '../deps.ts';

export const handler = httpHandler(createKeyRoute, platformContext, async (req, { rt }) => {
  const k = await createKey({ doc: rt.doc, table: rt.table('auth'), clock: rt.clock, ids: rt.ids }, req.body);
  return {
    principalId: k.principal.id,
    tenant: k.principal.tenant,
    roles: k.principal.roles,
    keyId: k.principal.keyId,
    secret: k.secret,
    createdAt: k.createdAt,
  };
});
