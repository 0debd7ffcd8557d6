import { httpHandler } from '../../platform/http/handler.ts';
import { listAgentsRoute } from '../api.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { agentView } from '../usecases/views.ts';
import { listAgents } from '../store/agent-store.ts';

export const handler = httpHandler(listAgentsRoute, async (_req, rt) => ({ agents: (await listAgents(jobsDeps(rt).store)).map(agentView) }));
