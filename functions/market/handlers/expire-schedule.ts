/** The rc-expiry schedule: the same sweep as POST /v1/futures/expire, until nothing is due. */
import { scheduled } from '../../platform/scheduled.ts';
import { marketContext } from '../deps.ts';
import { expireDue } from '../usecases/expire.ts';

export const handler = scheduled(marketContext, 'rc expiry sweep', async (d) => {
  let expiredCount = 0;
  let busy = 0;
  let unscannedShards = 0;
  for (;;) {
    const out = await expireDue(d, 500);
    expiredCount += out.expiredCount;
    busy += out.busy;
    unscannedShards = out.unscannedShards;
    if (out.scanned < 500 || out.expiredCount === 0) break;
  }
  // Shards a transient read skipped are swept again on the next run.
  return { expiredCount, busy, unscannedShards };
});
