import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { reply } from '../../platform/http/reply.ts';
import { agentChallengeRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { issueAgentChallenge } from '../usecases/agent-registration.ts';

export const handler = httpHandler(agentChallengeRoute, jobsContext, async (req, d) => reply(201, await issueAgentChallenge(d, mustPrincipal(req.principal))));
