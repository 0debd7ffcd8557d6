import { httpHandler } from '../http/handler.ts';
import { isoAt } from '../clock.ts';
import { health } from '../api.ts';

export const handler = httpHandler(health, async (_req, rt) => ({ status: 'ok' as const, stage: rt.config.VRACU_STAGE, time: isoAt(rt.clock.nowMs()) }));
