import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { proposalsRoute } from '../api.ts';
import { proposals } from '../usecases/governance.ts';
import { proposalOut } from '../views.ts';

export const handler = httpHandler(proposalsRoute, controlPlaneContext, async (_req, d) => ({ proposals: (await proposals(d)).map(proposalOut) }));
