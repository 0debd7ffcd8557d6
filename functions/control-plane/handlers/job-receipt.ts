import { controlPlaneContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { receiptRoute } from '../api.ts';
import { receiptFor } from '../usecases/receipts.ts';

export const handler = httpHandler(receiptRoute, controlPlaneContext, async (req, d) => receiptFor(d, mustPrincipal(req.principal), req.params.id));
