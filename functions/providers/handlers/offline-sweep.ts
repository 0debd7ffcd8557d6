/** The providerHeartbeats schedule: providers whose heartbeats stopped go offline. */
import { scheduled } from '../../platform/scheduled.ts';
import { providersContext } from '../deps.ts';
import { sweepOffline } from '../usecases/offline-sweep.ts';

export const handler = scheduled(
  providersContext,
  'provider offline sweep',
  (d) => sweepOffline(d),
  (r) => r.offline.length > 0,
);
