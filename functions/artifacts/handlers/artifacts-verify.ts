import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { verifyArtifactRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { verifyProof } from '../usecases/verify.ts';

export const handler = httpHandler(verifyArtifactRoute, artifactsContext, async (req, d) => verifyProof(d, mustPrincipal(req.principal), req.body));
