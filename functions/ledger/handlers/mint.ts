import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { AppError } from '../../platform/errors.ts';
import { mintRoute } from '../api.ts';
import { mint } from '../usecases/mint.ts';
import { ledgerContext } from '../deps.ts';

export const handler = httpHandler(mintRoute, ledgerContext, async (req, d) => {
  if (!req.idempotencyKey) {
    throw new AppError('validation_failed', 'an Idempotency-Key header is required', { issues: [{ path: 'header.Idempotency-Key', message: 'required' }] });
  }
  return mint(d.ledger, mustPrincipal(req.principal).id, req.idempotencyKey, req.body);
});
