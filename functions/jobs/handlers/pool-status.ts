import { isoAt } from '../../platform/clock.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { poolStatusRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { agentView } from '../views.ts';
import { listAgents, poolActive } from '../store/agent-store.ts';
import { activeJobs, queuedJobs } from '../store/job-store.ts';

export const handler = httpHandler(poolStatusRoute, jobsContext, async (_req, d) => {
  const [agents, busy, active, queued] = await Promise.all([listAgents(d.store), poolActive(d.store), activeJobs(d.store), queuedJobs(d.store, 1000)]);
  return {
    maxAgents: d.cfg.maxAgents,
    busy,
    queued: queued.length,
    agents: agents.map(agentView),
    active: active.map((j) => ({
      jobId: j.jobId,
      status: j.status,
      ...(j.agentId ? { agent: j.agentId } : {}),
      ...(j.containerId ? { containerId: j.containerId } : {}),
      ...(j.deadlineMs !== undefined ? { deadline: isoAt(j.deadlineMs) } : {}),
    })),
  };
});
