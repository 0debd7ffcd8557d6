/** A directory entry as the market's catalog sees it (the market keeps its own copy, written with the directory's changes). */
import type { Provider } from '../../market/index.ts';
import type { DirectoryProvider } from '../domain/provider.ts';
import { scuPerHour } from '../domain/calibration.ts';
import { inventoryUnits } from '../domain/heartbeat.ts';

/** Capacity per hour follows the units the node offers (its inventory, at most the token's units) and its SCM/min. */
export function catalogProviderOf(p: DirectoryProvider, offeredUnits: number = p.units): Provider {
  return {
    id: p.providerId,
    gpuProfile: p.gpuModel,
    region: p.region,
    scuPerHour: scuPerHour(Math.min(offeredUnits, p.units), p.scmPerMinMilli),
    reservedFractionPpm: p.reservedFractionPpm,
    reliabilityFloorPpm: p.reliabilityFloorPpm,
    spotPriceMicro: p.spotPriceMicro,
    scmPerMinMilli: p.scmPerMinMilli,
  };
}

/** Units the last inventory offered, at most what the token allowed (0 before the first heartbeat). */
export const offeredUnits = (p: DirectoryProvider): number => (p.inventory ? Math.min(inventoryUnits(p.inventory), p.units) : 0);
