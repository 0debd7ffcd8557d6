import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { jobArtifactRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { jobArtifactDownload } from '../usecases/job-artifacts.ts';
import { artifactView } from '../views.ts';

export const handler = httpHandler(jobArtifactRoute, artifactsContext, async (req, d) => {
  const { artifact, download } = await jobArtifactDownload(d, mustPrincipal(req.principal), req.params.id, req.params.aid);
  return { artifact: artifactView(artifact, d.rt.clock.nowMs()), download, ...(artifact.sealedKey ? { sealedKey: artifact.sealedKey } : {}) };
});
