import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { parametersRoute } from '../api.ts';
import { governedParameters } from '../usecases/governance.ts';

export const handler = httpHandler(parametersRoute, controlPlaneContext, async (_req, d) => ({
  parameters: (await governedParameters(d)).map((p) => ({ name: p.name, value: p.value.toString(), version: Number(p.version) })),
}));
