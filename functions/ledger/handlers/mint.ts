import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { AppError } from '../../platform/errors.ts';
import { mintRoute } from '../api.ts';
import { ledgerFor } from '../ledger.ts';
import { mint } from '../mint.ts';

export const handler = httpHandler(mintRoute, async (req, rt) => {
  if (!req.idempotencyKey) {
    throw new AppError('validation_failed', 'an Idempotency-Key header is required', { issues: [{ path: 'header.Idempotency-Key', message: 'required' }] });
  }
  return mint(ledgerFor(rt), mustPrincipal(req.principal).id, req.idempotencyKey, req.body);
});
