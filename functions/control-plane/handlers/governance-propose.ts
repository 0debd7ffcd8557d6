import { controlPlaneContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { proposeRoute } from '../api.ts';
import type { ParameterName } from '../domain/governance.ts';
import { proposeChange } from '../usecases/governance.ts';
import { proposalOut } from '../views.ts';

export const handler = httpHandler(proposeRoute, controlPlaneContext, async (req, d) =>
  proposalOut(await proposeChange(d, mustPrincipal(req.principal), req.body.parameter as ParameterName, BigInt(req.body.value))),
);
