/** The rc-expiry schedule: the same sweep as POST /v1/futures/expire, until nothing is due. */
import type { ScheduledEvent } from 'aws-lambda';
import { runtime } from '../../platform/runtime.ts';
import { logger } from '../../platform/observability.ts';
import { expireDue } from '../usecases/expire.ts';

export const handler = async (_event: ScheduledEvent) => {
  const rt = runtime();
  let expiredCount = 0;
  let busy = 0;
  for (;;) {
    const out = await expireDue(rt, 500);
    expiredCount += out.expiredCount;
    busy += out.busy;
    if (out.scanned < 500 || out.expiredCount === 0) break;
  }
  logger.info('rc expiry sweep', { expiredCount, busy });
  return { expiredCount, busy };
};
