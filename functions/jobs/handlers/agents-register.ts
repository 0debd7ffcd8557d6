import { isoAt } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { registerAgentRoute } from '../api.ts';
import type { Agent } from '../domain/job.ts';
import { jobsDeps } from '../service/deps.ts';
import { agentView } from '../service/views.ts';
import { putAgent } from '../store/agent-store.ts';
import { secp256k1 } from '@noble/curves/secp256k1.js';

export const handler = httpHandler(registerAgentRoute, async (req, rt) => {
  const p = mustPrincipal(req.principal);
  try {
    secp256k1.Point.fromHex(req.body.publicKey);
  } catch {
    throw new AppError('validation_failed', 'body.publicKey: not a point on secp256k1', { issues: [{ path: 'body.publicKey', message: 'not a point on secp256k1' }] });
  }
  const agent: Agent = { ...req.body, ownerId: p.id, tenant: p.tenant, registeredAt: isoAt(rt.clock.nowMs()) };
  if (!(await putAgent(jobsDeps(rt).store, agent))) throw new AppError('agent_exists', `an agent named ${agent.name} is already registered`);
  return agentView(agent);
});
