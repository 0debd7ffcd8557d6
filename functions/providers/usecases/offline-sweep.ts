/**
 * The providerHeartbeats schedule (every minute): a provider whose heartbeats stopped for
 * OFFLINE_AFTER_MS goes offline — out of quotes (its catalog entry unquotable, in the same
 * transaction) and out of placement. A heartbeat racing the sweep wins (the guard is on the
 * last heartbeat the sweep saw). The next good heartbeat brings it back.
 */
import { isoAt } from '../../platform/clock.ts';
import { transactWrite, TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import { catalogEntryItems } from '../../market/index.ts';
import type { ProvidersDeps } from '../deps.ts';
import { OFFLINE_AFTER_MS } from '../domain/heartbeat.ts';
import { getProvider, overdueProviders } from '../store/reads.ts';
import { markedOffline } from '../store/writes.ts';
import { catalogProviderOf, offeredUnits } from './catalog.ts';

export async function sweepOffline(d: ProvidersDeps): Promise<{ offline: string[] }> {
  const now = d.rt.clock.nowMs();
  const offline: string[] = [];
  for (const due of await overdueProviders(d.store, now - OFFLINE_AFTER_MS)) {
    const p = await getProvider(d.store, due.providerId);
    if (!p || !p.online || p.lastHeartbeatMs !== due.lastHeartbeatMs) continue;
    try {
      await transactWrite(d.rt.doc, [
        markedOffline(d.store, p.providerId, due.lastHeartbeatMs, isoAt(now)),
        ...catalogEntryItems(d.market, catalogProviderOf(p, offeredUnits(p)), { quotable: false, create: false }),
      ]);
      offline.push(p.providerId);
    } catch (err) {
      if (err instanceof TransactionCancelledError && err.failed(`provider:${p.providerId}`)) continue;
      throw err;
    }
  }
  return { offline };
}
