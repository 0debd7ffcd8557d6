import { httpHandler } from '../../platform/http/handler.ts';
import { paymentsContext } from '../deps.ts';
import { reconcileRoute } from '../api.ts';
import { reconcileChain } from '../usecases/reconcile.ts';
import { jsonSafe } from '../views.ts';

export const handler = httpHandler(reconcileRoute, paymentsContext, async (_req, d) => jsonSafe(await reconcileChain(d)) as never);
