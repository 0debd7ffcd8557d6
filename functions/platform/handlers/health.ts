import { httpHandler } from '../http/handler.ts';
import { isoAt } from '../clock.ts';
import { health } from '../api.ts';
import { platformContext } from '../deps.ts';

export const handler = httpHandler(health, platformContext, async (_req, d) => ({
  status: 'ok' as const,
  stage: d.rt.config.VRACU_STAGE,
  time: isoAt(d.rt.clock.nowMs()),
}));
