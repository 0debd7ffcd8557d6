import { httpHandler } from '../../platform/http/handler.ts';
import { handshakeRoute } from '../api.ts';
import { privacyHandshakeContext } from '../../api/privacy-handshake.ts';
import { credentialFrom, jobOfCredential } from '../usecases/authenticate.ts';
import { handshake } from '../usecases/handshake.ts';

export const handler = httpHandler(handshakeRoute, privacyHandshakeContext, async (req, d) =>
  handshake(d, await jobOfCredential(d, req.params.id, credentialFrom(req.headers)), req.body),
);
