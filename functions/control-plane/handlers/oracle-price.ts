import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { priceRoute } from '../api.ts';
import { clearNow } from '../usecases/oracle.ts';
import { priceOut } from '../views.ts';

export const handler = httpHandler(priceRoute, controlPlaneContext, async (req, d) => {
  const c = await clearNow(d, req.params.id);
  return priceOut(c.result, c.at);
});
