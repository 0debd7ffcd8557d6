import { httpHandler } from '../../platform/http/handler.ts';
import { poolAttestationsRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { attestationsView } from '../views.ts';
import { listAgents } from '../store/agent-store.ts';
import { finishedJobs } from '../store/job-store.ts';

export const handler = httpHandler(poolAttestationsRoute, jobsContext, async (req, d) => {
  const [jobs, agents] = await Promise.all([finishedJobs(d.store, req.query.limit), listAgents(d.store)]);
  const byName = new Map(agents.map((a) => [a.name, a]));
  return { jobs: jobs.map((j) => attestationsView(j, (j.agentId && byName.get(j.agentId)) || null)) };
});
