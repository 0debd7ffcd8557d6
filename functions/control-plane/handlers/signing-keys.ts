import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { signingKeysRoute } from '../api.ts';
import { RECEIPT_LABEL } from '../domain/receipt.ts';
import { signingPublicKeys } from '../usecases/receipts.ts';

export const handler = httpHandler(signingKeysRoute, controlPlaneContext, async (_req, d) => ({ receiptLabel: RECEIPT_LABEL, keys: signingPublicKeys(d) }));
