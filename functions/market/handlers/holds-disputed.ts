/** GET /v1/settlement/disputes: the disputed holds an operator has to decide. */
import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { disputedHoldsRoute } from '../api.ts';
import { disputedList, holdView } from '../usecases/holds.ts';

export const handler = httpHandler(disputedHoldsRoute, marketContext, async (_req, d) => ({ holds: (await disputedList(d)).map(holdView) }));
