/** The jobTimeouts schedule: deadlines, expired agent leases, stuck steps, lost containers. */
import { logger } from '../../platform/observability.ts';
import { runtime } from '../../platform/runtime.ts';
import { jobsDeps } from '../usecases/deps.ts';
import { sweep } from '../usecases/sweep.ts';

export const handler = async () => {
  const report = await sweep(jobsDeps(runtime()));
  if (report.timedOut.length || report.resent.length || report.reclaimed.length || report.lost.length) logger.info('job sweep', { ...report });
  return report;
};
