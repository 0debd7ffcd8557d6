import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { providersEvidenceContext } from '../../api/provider-evidence.ts';
import { evidenceRoute } from '../api.ts';
import { proveEvidence } from '../usecases/evidence.ts';
import { provenView } from '../views.ts';

export const handler = httpHandler(evidenceRoute, providersEvidenceContext, async (req, d) => {
  const r = await proveEvidence(d, mustPrincipal(req.principal), req.params.id, req.body);
  return { providerId: r.providerId, proven: provenView(r.proven, d.rt.clock.nowMs()) };
});
