import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { getJobRoute } from '../api.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { jobView, visibleJob } from '../usecases/views.ts';

export const handler = httpHandler(getJobRoute, async (req, rt) => jobView(await visibleJob(jobsDeps(rt), mustPrincipal(req.principal), req.params.id)));
