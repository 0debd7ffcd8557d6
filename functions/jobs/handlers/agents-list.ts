import { httpHandler } from '../../platform/http/handler.ts';
import { listAgentsRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { agentView } from '../views.ts';
import { listAgents } from '../store/agent-store.ts';

export const handler = httpHandler(listAgentsRoute, jobsContext, async (_req, d) => ({ agents: (await listAgents(d.store)).map(agentView) }));
