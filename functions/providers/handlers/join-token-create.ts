import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { reply } from '../../platform/http/reply.ts';
import { providersContext } from '../deps.ts';
import { joinTokenCreateRoute } from '../api.ts';
import { issueJoinToken } from '../usecases/join-tokens.ts';

export const handler = httpHandler(joinTokenCreateRoute, providersContext, async (req, d) =>
  reply(201, await issueJoinToken(d, mustPrincipal(req.principal).id, req.body)),
);
