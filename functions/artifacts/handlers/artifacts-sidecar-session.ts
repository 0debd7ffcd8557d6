import { httpHandler } from '../../platform/http/handler.ts';
import { sidecarSessionRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { credentialFrom, jobOfSidecar, sidecarSession } from '../usecases/sidecar.ts';

export const handler = httpHandler(sidecarSessionRoute, artifactsContext, async (req, d) =>
  sidecarSession(d, await jobOfSidecar(d, req.params.id, credentialFrom(req.headers))),
);
