import { httpHandler } from '../../platform/http/handler.ts';
import { dekRoute } from '../api.ts';
import { privacyContext } from '../deps.ts';
import { credentialFrom, jobOfCredential } from '../usecases/authenticate.ts';
import { releaseStep } from '../usecases/dek.ts';

export const handler = httpHandler(dekRoute, privacyContext, async (req, d) =>
  releaseStep(d, await jobOfCredential(d, req.params.id, credentialFrom(req.headers)), req.body.step),
);
