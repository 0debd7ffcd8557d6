import { httpHandler } from '../../platform/http/handler.ts';
import { nonceRoute } from '../api.ts';
import { privacyContext } from '../deps.ts';
import { credentialFrom, jobOfCredential } from '../usecases/authenticate.ts';
import { issueNonce } from '../usecases/nonce.ts';

export const handler = httpHandler(nonceRoute, privacyContext, async (req, d) =>
  issueNonce(d, await jobOfCredential(d, req.params.id, credentialFrom(req.headers))),
);
