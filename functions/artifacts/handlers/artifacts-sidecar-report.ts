import { httpHandler } from '../../platform/http/handler.ts';
import { sidecarReportRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { credentialFrom, jobOfSidecar, sidecarReport } from '../usecases/sidecar.ts';

export const handler = httpHandler(sidecarReportRoute, artifactsContext, async (req, d) =>
  sidecarReport(d, await jobOfSidecar(d, req.params.id, credentialFrom(req.headers)), req.body),
);
