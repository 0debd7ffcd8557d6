import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { resignPartsRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { resignInputParts } from '../usecases/inputs.ts';

export const handler = httpHandler(resignPartsRoute, artifactsContext, async (req, d) => ({
  parts: await resignInputParts(d, mustPrincipal(req.principal), req.params.aid, req.body.partNumbers),
}));
