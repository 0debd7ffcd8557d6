import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { listArtifactsRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { listInputs } from '../usecases/inputs.ts';
import { artifactView } from '../views.ts';

export const handler = httpHandler(listArtifactsRoute, artifactsContext, async (req, d) => {
  const page = await listInputs(d, mustPrincipal(req.principal), req.query.limit, req.query.cursor);
  const now = d.rt.clock.nowMs();
  return { artifacts: page.artifacts.map((a) => artifactView(a, now)), ...(page.next ? { next: page.next } : {}) };
});
