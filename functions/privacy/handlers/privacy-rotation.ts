import { httpHandler } from '../../platform/http/handler.ts';
import { rotationRoute } from '../api.ts';
import { privacyContext } from '../deps.ts';
import { credentialFrom, jobOfCredential } from '../usecases/authenticate.ts';
import { acknowledgeRotation } from '../usecases/rotation.ts';

export const handler = httpHandler(rotationRoute, privacyContext, async (req, d) =>
  acknowledgeRotation(d, await jobOfCredential(d, req.params.id, credentialFrom(req.headers)), req.body),
);
