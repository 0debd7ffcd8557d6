import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { getJobRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { jobView } from '../views.ts';
import { visibleJob } from '../usecases/visible.ts';

export const handler = httpHandler(getJobRoute, jobsContext, async (req, d) => jobView(await visibleJob(d, mustPrincipal(req.principal), req.params.id)));
