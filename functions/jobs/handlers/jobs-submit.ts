import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { submitJobRoute } from '../api.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { submitJob } from '../usecases/submit.ts';
import { jobView } from '../usecases/views.ts';

export const handler = httpHandler(submitJobRoute, async (req, rt) => jobView(await submitJob(jobsDeps(rt), mustPrincipal(req.principal), req.body, req.idempotencyKey)));
