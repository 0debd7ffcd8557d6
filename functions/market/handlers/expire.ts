import { marketContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { expireRoute } from '../api.ts';
import { expireDue } from '../usecases/expire.ts';

export const handler = httpHandler(expireRoute, marketContext, async (req, d) => expireDue(d, req.body.limit));
