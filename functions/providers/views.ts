/** How directory entries are shown over the API: money as ACU strings, SCM/min as a decimal, no challenge or key internals. */
import { formatAcu } from '../platform/money.ts';
import { isoAt } from '../platform/clock.ts';
import type { DirectoryProvider } from './domain/provider.ts';
import { isQuotable } from './domain/provider.ts';
import { validKinds, type Proven } from './domain/evidence.ts';

const milli = (m: bigint): string => `${m / 1000n}.${String(m % 1000n).padStart(3, '0')}`;

/** `nowMs`: whether each proof still counts for placement is read at this time. */
export function providerView(p: DirectoryProvider, nowMs: number) {
  return {
    providerId: p.providerId,
    name: p.name,
    gpuModel: p.gpuModel,
    region: p.region,
    units: p.units,
    scope: p.scope,
    treasuryAccount: p.treasuryAccount,
    status: p.status,
    online: p.online,
    quotable: isQuotable(p),
    spotPrice: formatAcu(p.spotPriceMicro),
    scmPerMin: milli(p.scmPerMinMilli),
    freeUnits: p.freeUnits,
    keyAlgorithm: p.keyAlgorithm,
    lastHeartbeatAt: p.lastHeartbeatMs === null ? null : isoAt(p.lastHeartbeatMs),
    inventory: p.inventory,
    telemetry: p.telemetry,
    calibration: p.calibration,
    proven: provenView(p.proven, nowMs),
    contact: p.contact,
    createdAt: p.createdAt,
  };
}

/** The proofs as shown: kind → when, its claims' digest, and whether it still counts for placement. */
export function provenView(proven: Proven | null, nowMs: number) {
  const valid = validKinds(proven, nowMs);
  return Object.fromEntries(Object.entries(proven ?? {}).map(([k, v]) => [k, { at: v.at, claimsDigest: v.claimsDigest, valid: valid.has(k as never) }]));
}
