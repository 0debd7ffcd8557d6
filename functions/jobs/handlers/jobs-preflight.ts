import { httpHandler } from '../../platform/http/handler.ts';
import { preflightRoute } from '../api.ts';
import { jobsConfig } from '../config.ts';
import { prepareJob } from '../usecases/submit.ts';

export const handler = httpHandler(preflightRoute, async (req) => ({ ...prepareJob(req.body, jobsConfig()), accepted: true as const }));
