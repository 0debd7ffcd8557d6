import { httpHandler } from '../../platform/http/handler.ts';
import { reply } from '../../platform/http/reply.ts';
import { providersContext } from '../deps.ts';
import { joinRoute } from '../api.ts';
import { join } from '../usecases/join.ts';

export const handler = httpHandler(joinRoute, providersContext, async (req, d) => {
  const { spotPrice, ...rest } = req.body;
  return reply(201, await join(d, { ...rest, spotPriceMicro: spotPrice }));
});
