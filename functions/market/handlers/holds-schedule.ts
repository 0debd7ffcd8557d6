/** The settlement-holds schedule: holds whose dispute window ended, undisputed, go to their providers. */
import { scheduled } from '../../platform/scheduled.ts';
import { marketContext } from '../deps.ts';
import { releaseDueHolds } from '../usecases/holds.ts';

export const handler = scheduled(marketContext, 'settlement hold release', async (d) => {
  let released = 0;
  let skipped = 0;
  for (;;) {
    const out = await releaseDueHolds(d, 200);
    released += out.released;
    skipped += out.skipped;
    if (out.released + out.skipped < 200 || out.released === 0) break;
  }
  return { released, skipped };
});
