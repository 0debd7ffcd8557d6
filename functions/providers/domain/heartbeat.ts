/**
 * Heartbeats: what a node reports every few seconds, signed with its node key over the
 * canonical JSON of the whole message (the signature itself aside). Accepted only inside a
 * window around the exchange's clock and only if newer than the last one accepted, so a
 * captured heartbeat can be replayed neither later nor twice. A provider whose heartbeats stop
 * for OFFLINE_AFTER_MS is marked offline by the sweep.
 */
import type { Microbench } from './calibration.ts';

export interface GpuDevice {
  index: number;
  model: string;
  memoryMiB: number;
  migMode: boolean;
  /** MIG instances on this GPU (profile names such as `1g.10gb`). */
  migInstances: string[];
}

export interface GpuInventory {
  gpus: GpuDevice[];
}

export interface Telemetry {
  /** Mean GPU utilisation, percent. */
  utilizationPct: number;
  /** Hottest GPU, °C. */
  temperatureC: number;
  /** Units free for new jobs (whole GPUs, or MIG instances). */
  freeUnits: number;
}

export interface Heartbeat {
  providerId: string;
  /** The node's clock, ms since the epoch. */
  timestampMs: number;
  inventory: GpuInventory;
  telemetry: Telemetry;
  calibration?: Microbench | undefined;
}

/** A heartbeat more than this far from the exchange's clock (either way) is refused. */
export const HEARTBEAT_WINDOW_MS = 60_000;
/** Missing heartbeats for this long makes a provider offline. */
export const OFFLINE_AFTER_MS = 90_000;

export type FreshFact = { ok: true } | { ok: false; why: 'stale' | 'replayed' };

/** Within the window, and newer than the last accepted (the store's guard repeats the second check atomically). */
export function freshness(timestampMs: number, nowMs: number, lastAcceptedMs: number | null): FreshFact {
  if (Math.abs(nowMs - timestampMs) > HEARTBEAT_WINDOW_MS) return { ok: false, why: 'stale' };
  if (lastAcceptedMs !== null && timestampMs <= lastAcceptedMs) return { ok: false, why: 'replayed' };
  return { ok: true };
}

/** Units the inventory offers: a MIG-mode GPU counts each instance, another GPU counts once. */
export function inventoryUnits(inv: GpuInventory): number {
  return inv.gpus.reduce((n, g) => n + (g.migMode ? g.migInstances.length : 1), 0);
}

/** Whether a provider last heard from at `lastMs` is overdue at `nowMs`. */
export const isOverdue = (lastMs: number | null, nowMs: number): boolean => lastMs === null || nowMs - lastMs > OFFLINE_AFTER_MS;
