import { jobsContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { preflightRoute } from '../api.ts';
import { prepareJob } from '../usecases/submit.ts';

export const handler = httpHandler(preflightRoute, jobsContext, async (req, d) => ({ ...prepareJob(req.body, d.cfg), accepted: true as const }));
