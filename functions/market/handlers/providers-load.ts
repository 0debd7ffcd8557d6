import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { providersLoadRoute } from '../api.ts';
import { PROVIDER_FIXTURES, type Provider } from '../domain/catalog.ts';
import { loadCatalog } from '../usecases/catalog.ts';

const milli = (s: string): bigint => {
  const [w, f = ''] = s.split('.');
  return BigInt(w!) * 1000n + BigInt(f.padEnd(3, '0'));
};

export const handler = httpHandler(providersLoadRoute, marketContext, async (req, d) => {
  const providers: Provider[] = req.body.providers?.map((p) => ({
    id: p.providerId,
    gpuProfile: p.gpuProfile,
    region: p.region,
    scuPerHour: BigInt(p.scuPerHour),
    reservedFractionPpm: p.reservedFraction,
    reliabilityFloorPpm: p.reliabilityFloor,
    spotPriceMicro: p.spotPrice,
    scmPerMinMilli: milli(p.scmPerMin),
  })) ?? [...PROVIDER_FIXTURES];
  return { loaded: await loadCatalog(d, providers) };
});
