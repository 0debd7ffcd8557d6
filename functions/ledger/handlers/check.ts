import { httpHandler } from '../../platform/http/handler.ts';
import { checkRoute } from '../api.ts';
import { checkRuntimeLedger, reportJson } from '../usecases/check.ts';
import { ledgerContext } from '../deps.ts';

export const handler = httpHandler(checkRoute, ledgerContext, async (_req, d) => reportJson(await checkRuntimeLedger(d.rt)));
