import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { createArtifactRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { createInput } from '../usecases/inputs.ts';
import { artifactView } from '../views.ts';

export const handler = httpHandler(createArtifactRoute, artifactsContext, async (req, d) => {
  const { fileKey, ...rest } = req.body;
  const out = await createInput(d, mustPrincipal(req.principal), { ...rest, fileKey: Buffer.from(fileKey, 'base64') });
  return { artifact: artifactView(out.artifact, d.rt.clock.nowMs()), upload: out.upload };
});
