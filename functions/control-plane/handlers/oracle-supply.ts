import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { isoAt } from '../../platform/clock.ts';
import { supplyRoute } from '../api.ts';
import { recordSupply } from '../usecases/oracle.ts';

export const handler = httpHandler(supplyRoute, controlPlaneContext, async (req, d) => {
  const now = d.rt.clock.nowMs();
  const offers = req.body.offers.map((o) => ({ ...o, capacityScm: BigInt(o.capacityScm), priceMicro: o.price, offeredAt: now }));
  return { at: isoAt(now), recorded: await recordSupply(d, offers) };
});
