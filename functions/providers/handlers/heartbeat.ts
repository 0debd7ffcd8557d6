import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { providersContext } from '../deps.ts';
import { heartbeatRoute } from '../api.ts';
import { acceptHeartbeat } from '../usecases/heartbeat.ts';

export const handler = httpHandler(heartbeatRoute, providersContext, async (req, d) => {
  const { signature, ...heartbeat } = req.body;
  return acceptHeartbeat(d, mustPrincipal(req.principal), req.params.id, heartbeat, signature);
});
