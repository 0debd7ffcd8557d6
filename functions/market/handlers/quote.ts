import { marketContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { quoteRoute } from '../api.ts';
import type { Tenor } from '../domain/catalog.ts';
import { scu } from '../domain/units.ts';
import { createQuote } from '../usecases/quote.ts';

export const handler = httpHandler(quoteRoute, marketContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  const b = req.body;
  return createQuote(d, p.id, {
    tenor: b.tenor as Tenor,
    quantityScu: scu(BigInt(b.quantityScu)),
    gpuProfile: b.gpuProfile,
    region: b.region,
    providerIds: b.providerIds,
  });
});
