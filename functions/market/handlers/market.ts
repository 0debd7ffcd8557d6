import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { isoAt } from '../../platform/clock.ts';
import { marketRoute } from '../api.ts';
import type { Tenor } from '../domain/catalog.ts';
import { market } from '../usecases/catalog.ts';

export const handler = httpHandler(marketRoute, marketContext, async (req, d) => ({
  asOf: isoAt(d.rt.clock.nowMs()),
  stats: await market(d, { tenor: req.query.tenor as Tenor | undefined, gpuProfile: req.query.gpuProfile, region: req.query.region }),
}));
