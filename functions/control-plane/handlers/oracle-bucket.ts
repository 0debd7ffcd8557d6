import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { bucketRoute } from '../api.ts';
import { clearNow } from '../usecases/oracle.ts';
import { bucketOut } from '../views.ts';

export const handler = httpHandler(bucketRoute, controlPlaneContext, async (req, d) => {
  const q = req.query.demandScm;
  const c = await clearNow(d, req.params.id, q === undefined ? undefined : BigInt(q));
  return bucketOut(c.result, c.demand, c.configured, c.at);
});
