/** The jobTimeouts schedule: deadlines, expired agent leases, stuck steps, lost containers. */
import { scheduled } from '../../platform/scheduled.ts';
import { jobsContext } from '../deps.ts';
import { sweep } from '../usecases/sweep.ts';

export const handler = scheduled(
  jobsContext,
  'job sweep',
  (d) => sweep(d),
  (r) => r.timedOut.length + r.resent.length + r.reclaimed.length + r.lost.length + r.republished.length + r.providerOffline.length > 0,
);
