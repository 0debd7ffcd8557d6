import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { queueRoute } from '../api.ts';
import { queueProposal } from '../usecases/governance.ts';
import { proposalOut } from '../views.ts';

export const handler = httpHandler(queueRoute, controlPlaneContext, async (req, d) => proposalOut(await queueProposal(d, req.params.id)));
