import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { deleteArtifactRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { deleteInput } from '../usecases/inputs.ts';
import { artifactView } from '../views.ts';

export const handler = httpHandler(deleteArtifactRoute, artifactsContext, async (req, d) =>
  artifactView(await deleteInput(d, mustPrincipal(req.principal), req.params.aid), d.rt.clock.nowMs()),
);
