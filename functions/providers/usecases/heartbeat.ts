/**
 * POST /v1/providers/{id}/heartbeat: a verified node's signed report. Refused with nothing
 * written: another provider's id (404, as for a provider that does not exist), a node not yet
 * verified, a bad signature, a timestamp outside the window, one not newer than the last
 * accepted (a replay). Accepted: the provider is online with the reported inventory, telemetry
 * and calibration; the market's catalog entry is relisted in the same transaction when what it
 * offers changes (quotable again, capacity per hour from the inventory, SCM/min from the
 * calibration), and then its units are registered with the scheduler (domain/units.ts). What
 * was sold is never touched. The same transaction puts the provider's supply offer in the
 * oracle's bucket (docs/control-plane.md) when it changed or OFFER_REFRESH_MS after the last:
 * its free units' SCM over the 60-minute window at its spot price, so the clearing price
 * follows the live fleet.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { notFound } from '../../platform/errors.ts';
import { transactWrite, TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import { catalogEntryItems } from '../../market/index.ts';
import { heartbeatCapacityScm, offerPut, registerProviderUnits } from '../../control-plane/index.ts';
import { logger } from '../../platform/observability.ts';
import { schedulingUnits } from '../domain/units.ts';
import { providersError } from '../errors.ts';
import type { ProvidersDeps } from '../deps.ts';
import { freshness, inventoryUnits, type Heartbeat } from '../domain/heartbeat.ts';
import { scmPerMinMilli } from '../domain/calibration.ts';
import { parseNodeKey, verifySigned, type NodeKeyAlgorithm } from '../domain/node-key.ts';
import { getProvider } from '../store/reads.ts';
import { heartbeatAccepted } from '../store/writes.ts';
import { catalogProviderOf, offeredUnits } from './catalog.ts';

/** A heartbeat re-offers unchanged supply this long after its last offer (the oracle's window is 60 minutes). */
export const OFFER_REFRESH_MS = 5 * 60_000;

export async function acceptHeartbeat(d: ProvidersDeps, who: Principal, pathId: string, hb: Heartbeat, signature: string) {
  const now = d.rt.clock.nowMs();
  // Only the provider itself sends its heartbeats; another provider's id reads as unknown.
  if (who.id !== pathId) throw notFound('provider');
  const p = await getProvider(d.store, pathId);
  if (!p) throw notFound('provider');
  if (p.status !== 'VERIFIED' || !p.publicKey || !p.keyAlgorithm) throw providersError('node_not_verified', 'verify the node key first (POST /v1/join/verify)');
  if (hb.providerId !== pathId)
    throw providersError('bad_signature', 'the heartbeat is signed for another provider', {
      issues: [{ path: 'body.providerId', message: 'not this provider' }],
    });
  const key = parseNodeKey(p.publicKey, p.keyAlgorithm as NodeKeyAlgorithm);
  if (!key.ok || !verifySigned(key.key, key.algorithm, hb, signature))
    throw providersError('bad_signature', 'the heartbeat signature does not verify with the node key', {
      issues: [{ path: 'body.signature', message: 'does not verify' }],
    });
  const fresh = freshness(hb.timestampMs, now, p.lastHeartbeatMs);
  if (!fresh.ok) {
    throw fresh.why === 'stale'
      ? providersError('heartbeat_stale', 'the heartbeat timestamp is outside the accepted window', {
          issues: [{ path: 'body.timestampMs', message: 'outside the window' }],
        })
      : providersError('heartbeat_replayed', 'the heartbeat is not newer than the last one accepted');
  }
  const scm = hb.calibration ? scmPerMinMilli(hb.calibration) : p.scmPerMinMilli;
  const units = Math.min(inventoryUnits(hb.inventory), p.units);
  const freeUnits = Math.max(0, Math.min(hb.telemetry.freeUnits, units));
  const prevUnits = p.inventory ? offeredUnits(p) : -1;
  // The supply offer goes to the oracle when it changed or OFFER_REFRESH_MS after the last one
  // (well inside the 60-minute window that keeps it live), not on every heartbeat.
  const capacityScm = heartbeatCapacityScm(freeUnits, scm);
  const digest = `${capacityScm}|${p.spotPriceMicro}`;
  const offer = p.lastOfferDigest !== digest || now - (p.lastOfferAtMs ?? 0) >= OFFER_REFRESH_MS ? { digest, atMs: now } : undefined;
  const items: LabelledItem[] = [heartbeatAccepted(d.store, p, hb, { scmPerMinMilli: scm, freeUnits, at: isoAt(now), offer })];
  if (offer)
    items.push(
      offerPut(d.controlPlane, { providerId: pathId, gpuProfile: p.gpuModel, region: p.region, capacityScm, priceMicro: p.spotPriceMicro, offeredAt: now }),
    );
  const relist = !p.online || scm !== p.scmPerMinMilli || units !== prevUnits;
  if (relist) items.push(...catalogEntryItems(d.market, catalogProviderOf({ ...p, scmPerMinMilli: scm }, units), { quotable: true, create: false }));
  try {
    await transactWrite(d.rt.doc, items);
  } catch (err) {
    if (err instanceof TransactionCancelledError && err.failed(`heartbeat:${pathId}`))
      throw providersError('heartbeat_replayed', 'a heartbeat as new or newer was accepted meanwhile (or the node key changed)');
    throw err;
  }
  // What the node offers changed: its units join the scheduler (known unit ids stay as they are).
  // A failure here leaves the heartbeat accepted: placement then orders this provider by the
  // directory's rule alone, and the next relisting registers again.
  if (relist) {
    await registerProviderUnits({ store: d.controlPlane }, pathId, schedulingUnits(p, hb.inventory)).catch((err: unknown) =>
      logger.warn('scheduler units not registered', { providerId: pathId, error: (err as Error).message }),
    );
  }
  return { providerId: pathId, online: true, acceptedAt: isoAt(now), scmPerMin: formatMilli(scm), units, freeUnits, relisted: relist };
}

export const formatMilli = (m: bigint): string => `${m / 1000n}.${String(m % 1000n).padStart(3, '0')}`;
