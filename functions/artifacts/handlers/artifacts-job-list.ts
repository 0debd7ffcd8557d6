import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { jobArtifactsRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { jobArtifacts } from '../usecases/job-artifacts.ts';
import { artifactView } from '../views.ts';

export const handler = httpHandler(jobArtifactsRoute, artifactsContext, async (req, d) => ({
  jobId: req.params.id,
  artifacts: (await jobArtifacts(d, mustPrincipal(req.principal), req.params.id)).map((a) => ({
    name: a.name,
    kind: a.kind,
    artifactId: a.artifactId,
    artifact: a.artifact ? artifactView(a.artifact, d.rt.clock.nowMs()) : null,
  })),
}));
