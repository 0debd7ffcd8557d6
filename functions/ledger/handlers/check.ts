import { httpHandler } from '../../platform/http/handler.ts';
import { checkRoute } from '../api.ts';
import { checkRuntimeLedger, reportJson } from '../check.ts';

export const handler = httpHandler(checkRoute, async (_req, rt) => reportJson(await checkRuntimeLedger(rt)));
