import { httpHandler } from '../../platform/http/handler.ts';
import { handshakeRoute } from '../api.ts';
import { privacyContext } from '../deps.ts';
import { credentialFrom, jobOfCredential } from '../usecases/authenticate.ts';
import { handshake } from '../usecases/handshake.ts';

export const handler = httpHandler(handshakeRoute, privacyContext, async (req, d) =>
  handshake(d, await jobOfCredential(d, req.params.id, credentialFrom(req.headers)), req.body),
);
