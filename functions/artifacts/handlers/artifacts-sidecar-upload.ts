import { httpHandler } from '../../platform/http/handler.ts';
import { sidecarUploadRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { credentialFrom, jobOfSidecar, sidecarUpload } from '../usecases/sidecar.ts';

export const handler = httpHandler(sidecarUploadRoute, artifactsContext, async (req, d) =>
  sidecarUpload(d, await jobOfSidecar(d, req.params.id, credentialFrom(req.headers)), req.body),
);
