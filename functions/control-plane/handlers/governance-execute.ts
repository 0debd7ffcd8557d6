import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { executeRoute } from '../api.ts';
import { executeProposal } from '../usecases/governance.ts';
import { proposalOut } from '../views.ts';

export const handler = httpHandler(executeRoute, controlPlaneContext, async (req, d) => proposalOut((await executeProposal(d, req.params.id)).proposal));
