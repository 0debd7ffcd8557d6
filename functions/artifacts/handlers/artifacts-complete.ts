import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { completeArtifactRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { completeInput } from '../usecases/inputs.ts';
import { artifactView } from '../views.ts';

export const handler = httpHandler(completeArtifactRoute, artifactsContext, async (req, d) =>
  artifactView(await completeInput(d, mustPrincipal(req.principal), req.params.aid, req.body.parts), d.rt.clock.nowMs()),
);
