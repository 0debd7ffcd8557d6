/**
 * Reservation at ALLOCATING (seed §8.2): the providers' placement calls this when a job has
 * no RC provider. Guards, then the scheduler over the registered units, then one
 * transaction (unit guarded on its version + the reservation). A lost race re-reads and
 * re-plans, a bounded number of times.
 */
import { isoAt } from '../../platform/clock.ts';
import type { ControlPlaneDeps } from '../deps.ts';
import { controlPlaneError } from '../errors.ts';
import { reserve, type BuyerPosition, type Guards, type Reserved } from '../domain/reservation.ts';
import { checkUnits, release, type PlacementRequest, type Unit } from '../domain/scheduler.ts';
import { commitReservation, listUnits, putAllocations, putUnit, unitsOfProvider } from '../store/scheduler.ts';
import { parameter } from '../store/governance.ts';

/** The guards' defaults; the maximum exposure is governed (`guards.maxExposureMicro`, read on every reservation). */
export const DEFAULT_GUARDS: Guards = { maxExposureMicro: 10_000_000_000n, priceFloorMicro: 1n, maxCreditUtilisationBps: 9_000n };

/** The guards as governed now (one read of the parameter). */
export const guardsNow = async (d: Pick<ControlPlaneDeps, 'store'>): Promise<Guards> => ({
  ...DEFAULT_GUARDS,
  maxExposureMicro: (await parameter(d.store, 'guards.maxExposureMicro')).value,
});
export const RESERVATION_TTL_MS = 15 * 60_000;
const ATTEMPTS = 4;

export const registerUnits = async (d: Pick<ControlPlaneDeps, 'store'>, units: readonly Unit[]) => registerAgainst(d, await listUnits(d.store), units);

/** Writes the units not stored yet, checked together with `stored` (the units they must agree with). */
async function registerAgainst(
  d: Pick<ControlPlaneDeps, 'store'>,
  stored: readonly Unit[],
  units: readonly Unit[],
): Promise<{ registered: number; existing: number }> {
  const known = new Set(stored.map((u) => u.unitId));
  const fresh = units.filter((u) => !known.has(u.unitId));
  const bad = checkUnits([...stored, ...fresh]);
  if (bad) throw controlPlaneError('invalid_units', bad);
  let registered = 0;
  for (const u of fresh) if (await putUnit(d.store, { ...u, allocations: [] })) registered++;
  return { registered, existing: units.length - registered };
}

/**
 * A buyer's position for the guards, from its ledger: what it owes (arrears) is its outstanding
 * exposure and its credit used; its credit line is its balance plus the governed maximum
 * exposure (a buyer may owe up to that much, as the market's shortfall rule lets it).
 */
export const positionOf = (ledger: { balanceMicro: bigint; owedMicro: bigint }, guards: Guards): BuyerPosition => ({
  outstandingExposureMicro: ledger.owedMicro,
  creditUsedMicro: ledger.owedMicro,
  creditLimitMicro: ledger.balanceMicro + guards.maxExposureMicro,
});

/**
 * A provider's own units (ids `<providerId>/…`, from its heartbeat's inventory): checked and
 * written against that provider's stored units only, so a fleet's heartbeats never read the
 * whole pool. Known ids stay as they are.
 */
export async function registerProviderUnits(
  d: Pick<ControlPlaneDeps, 'store'>,
  providerId: string,
  units: readonly Unit[],
): Promise<{ registered: number; existing: number }> {
  if (units.some((u) => u.providerId !== providerId || !u.unitId.startsWith(`${providerId}/`)))
    throw controlPlaneError('invalid_units', `units of ${providerId} must be its own, with ids under ${providerId}/`);
  return registerAgainst(d, await unitsOfProvider(d.store, providerId), units);
}

export async function reserveCapacity(
  d: Pick<ControlPlaneDeps, 'rt' | 'store'>,
  req: PlacementRequest & { priceMicro: bigint },
  position: BuyerPosition,
  given?: Guards,
): Promise<Reserved> {
  const guards = given ?? (await guardsNow(d));
  const reservationId = d.rt.ids.next('rsv');
  for (let i = 0; i < ATTEMPTS; i++) {
    // Asked for some providers: only their units are read (one prefix query each), not the pool.
    const units = req.providerIds ? (await Promise.all(req.providerIds.map((p) => unitsOfProvider(d.store, p)))).flat() : await listUnits(d.store);
    const now = d.rt.clock.nowMs();
    const out = reserve(units, req, guards, position, { reservationId, nowMs: now, ttlMs: RESERVATION_TTL_MS });
    if (out.status === 'declined') return out;
    const before = units.find((u) => u.unitId === out.unitId)!;
    const after = out.units.find((u) => u.unitId === out.unitId)!;
    const ok = await commitReservation(d.store, before, after, {
      reservationId,
      jobId: req.jobId,
      tenantId: req.tenantId,
      providerId: out.providerId,
      unitId: out.unitId,
      scm: req.scm,
      priceMicro: req.priceMicro,
      costMicro: out.costMicro,
      createdAt: isoAt(now),
      expiresAt: isoAt(out.expiresAt),
    });
    if (ok) {
      const { units: _units, ...accepted } = out;
      return accepted;
    }
  }
  throw controlPlaneError('capacity_contended', `unit contention did not settle after ${ATTEMPTS} attempts: retry`);
}

export const listSchedulerUnits = (d: ControlPlaneDeps) => listUnits(d.store);

/** A job's end: its allocation leaves its unit (attained service stays); none held: false. Idempotent. With its provider, only that provider's units are read. */
export async function releaseReservation(d: Pick<ControlPlaneDeps, 'store'>, jobId: string, providerId?: string): Promise<boolean> {
  for (let i = 0; i < ATTEMPTS; i++) {
    // The job's provider known: only its units are read.
    const units = providerId === undefined ? await listUnits(d.store) : await unitsOfProvider(d.store, providerId);
    const held = units.find((u) => u.allocations.some((a) => a.jobId === jobId));
    if (!held) return false;
    if (await putAllocations(d.store, held, release([held], jobId)[0]!)) return true;
  }
  throw controlPlaneError('capacity_contended', `unit contention did not settle after ${ATTEMPTS} attempts: retry`);
}
