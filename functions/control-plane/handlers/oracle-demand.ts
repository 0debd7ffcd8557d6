import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { demandRoute } from '../api.ts';
import { configureDemand } from '../usecases/oracle.ts';

export const handler = httpHandler(demandRoute, controlPlaneContext, async (req, d) => {
  const b = req.body;
  const r = await configureDemand(d, {
    gpuProfile: b.gpuProfile,
    region: b.region,
    windowMinutes: b.windowMinutes,
    demandScm: BigInt(b.demandScm),
    reserveRatioBps: BigInt(b.reserveRatioBps),
    floorPriceMicro: b.floorPrice,
    capPriceMicro: b.capPrice,
  });
  return { bucketId: r.bucketId, version: Number(r.version) };
});
