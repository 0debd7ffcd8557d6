/**
 * The scheduler (seed §8.2, §8.4): Dominant Resource Fairness across tenants, attained-service
 * scoring across units.
 *
 * A unit is what one allocation lands on: a whole GPU, or one MIG instance of a partitioned
 * GPU, each with its own capacity (memory, SMs), attained service and allocation state. A MIG
 * instance holds at most one job (hardware isolation: never double-booked); a whole GPU holds
 * jobs while their memory and SMs fit. A GPU is offered either whole or as MIG instances, never
 * both, and its instances together fit inside it (`checkUnits`).
 *
 * Which unit: the one with the least attained service (SCM served so far) that fits, ties by
 * unit id (or, asked to spread them, by a hash of job and unit) — new work favours the least
 * used capacity. Which tenant next (a batch): the one with
 * the smallest dominant share (max over memory and SMs of its allocation / the pool's total),
 * compared exactly by cross-multiplication, ties by tenant id; a tenant's requests go in order.
 */
import { hash32 } from '../../platform/hash.ts';

export interface Resources {
  memoryMb: bigint;
  sms: bigint;
}

export interface Unit {
  unitId: string;
  providerId: string;
  gpuProfile: string;
  region: string;
  kind: 'gpu' | 'mig';
  /** The physical GPU a MIG instance is carved from (its own id for a whole GPU). */
  gpuId: string;
  /** MIG profile such as `1g.10gb` (MIG units only). */
  migProfile?: string;
  capacity: Resources;
  /** SCM served on this unit so far. */
  attainedScm: bigint;
  allocations: readonly UnitAllocation[];
}

export interface UnitAllocation {
  jobId: string;
  tenantId: string;
  need: Resources;
}

export interface PlacementRequest {
  jobId: string;
  tenantId: string;
  need: Resources;
  /** SCM the job is expected to use (added to the unit's attained service). */
  scm: bigint;
  gpuProfile?: string;
  region?: string;
  /** A MIG profile the job asks for; without it, any unit that fits. */
  migProfile?: string;
  /** Only units of these providers (the caller's eligible ones); without it, any provider. */
  providerIds?: readonly string[];
  /**
   * Ties of attained service broken by a hash of (job, unit) instead of the unit id, so that
   * placements made at the same moment from the same state spread over the tied units instead
   * of all racing for the first (still deterministic for a given job).
   */
  spreadTies?: boolean;
}

export interface Placement {
  jobId: string;
  tenantId: string;
  unitId: string;
  providerId: string;
}

const add = (a: Resources, b: Resources): Resources => ({ memoryMb: a.memoryMb + b.memoryMb, sms: a.sms + b.sms });
const ZERO: Resources = { memoryMb: 0n, sms: 0n };
export const usedOf = (u: Unit): Resources => u.allocations.reduce((s, a) => add(s, a.need), ZERO);
export const within = (a: Resources, cap: Resources): boolean => a.memoryMb <= cap.memoryMb && a.sms <= cap.sms;

/** Why a unit set is not schedulable, or null. */
export function checkUnits(units: readonly Unit[]): string | null {
  const ids = new Set<string>();
  const byGpu = new Map<string, Unit[]>();
  for (const u of units) {
    if (ids.has(u.unitId)) return `unit ${u.unitId} is listed twice`;
    ids.add(u.unitId);
    if (u.capacity.memoryMb <= 0n || u.capacity.sms <= 0n) return `unit ${u.unitId} has no capacity`;
    byGpu.set(u.gpuId, [...(byGpu.get(u.gpuId) ?? []), u]);
  }
  for (const [gpuId, us] of byGpu) {
    const whole = us.filter((u) => u.kind === 'gpu');
    if (whole.length > 1 || (whole.length === 1 && us.length > 1)) return `GPU ${gpuId} is offered whole and as MIG instances, or twice`;
    if (whole.length === 0 && us.some((u) => !u.migProfile)) return `MIG units of GPU ${gpuId} need a migProfile`;
  }
  return null;
}

/** Whether `r` may land on `u` now. */
export function fits(u: Unit, r: PlacementRequest): boolean {
  if (r.gpuProfile !== undefined && u.gpuProfile !== r.gpuProfile) return false;
  if (r.region !== undefined && u.region !== r.region) return false;
  if (r.migProfile !== undefined && u.migProfile !== r.migProfile) return false;
  if (r.providerIds !== undefined && !r.providerIds.includes(u.providerId)) return false;
  if (u.kind === 'mig' && u.allocations.length > 0) return false;
  if (u.allocations.some((a) => a.jobId === r.jobId)) return false;
  return within(add(usedOf(u), r.need), u.capacity);
}

const byScore = (r: PlacementRequest) => (a: Unit, b: Unit) => {
  if (a.attainedScm !== b.attainedScm) return a.attainedScm < b.attainedScm ? -1 : 1;
  if (r.spreadTies) {
    const [x, y] = [hash32(`${r.jobId}|${a.unitId}`), hash32(`${r.jobId}|${b.unitId}`)];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
};

/** The unit a request goes to (least attained service that fits), or null. */
export function chooseUnit(units: readonly Unit[], r: PlacementRequest): Unit | null {
  const cmp = byScore(r);
  let best: Unit | null = null;
  for (const u of units) if (fits(u, r) && (best === null || cmp(u, best) < 0)) best = u;
  return best;
}

/** The units with `r` placed on `unitId` (a new array; the unit replaced, the others shared). */
export function place(units: readonly Unit[], unitId: string, r: PlacementRequest): Unit[] {
  return units.map((u) =>
    u.unitId === unitId
      ? { ...u, attainedScm: u.attainedScm + r.scm, allocations: [...u.allocations, { jobId: r.jobId, tenantId: r.tenantId, need: r.need }] }
      : u,
  );
}

/** Allocates one request: the placement and the new units, or null when nothing fits. */
export function allocate(units: readonly Unit[], r: PlacementRequest): { placement: Placement; units: Unit[] } | null {
  const u = chooseUnit(units, r);
  if (!u) return null;
  return { placement: { jobId: r.jobId, tenantId: r.tenantId, unitId: u.unitId, providerId: u.providerId }, units: place(units, u.unitId, r) };
}

/** A dominant share as an exact fraction: max(mem/totalMem, sms/totalSms). */
export interface Share {
  num: bigint;
  den: bigint;
}

export const totalOf = (units: readonly Unit[]): Resources => units.reduce((s, u) => add(s, u.capacity), ZERO);

export function dominantShare(alloc: Resources, total: Resources): Share {
  // mem/M vs sms/S, compared as mem·S vs sms·M
  return alloc.memoryMb * total.sms >= alloc.sms * total.memoryMb ? { num: alloc.memoryMb, den: total.memoryMb } : { num: alloc.sms, den: total.sms };
}

/** −1, 0, 1 as a < b, a = b, a > b. */
export const compareShare = (a: Share, b: Share): number => {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
};

export function tenantUsage(units: readonly Unit[]): Map<string, Resources> {
  const m = new Map<string, Resources>();
  for (const u of units) for (const a of u.allocations) m.set(a.tenantId, add(m.get(a.tenantId) ?? ZERO, a.need));
  return m;
}

export interface Batch {
  placements: Placement[];
  unplaced: PlacementRequest[];
  units: Unit[];
}

/**
 * DRF progressive filling over a batch: repeatedly the tenant with the smallest dominant
 * share whose next request fits gets it placed; stops when no tenant's next request fits.
 */
export function scheduleBatch(initial: readonly Unit[], requests: readonly PlacementRequest[]): Batch {
  const total = totalOf(initial);
  const usage = tenantUsage(initial);
  const queues = new Map<string, PlacementRequest[]>();
  for (const r of requests) queues.set(r.tenantId, [...(queues.get(r.tenantId) ?? []), r]);
  let units = [...initial];
  const placements: Placement[] = [];
  for (;;) {
    let pick: { tenant: string; share: Share; unit: Unit } | null = null;
    for (const [tenant, q] of queues) {
      if (q.length === 0) continue;
      const unit = chooseUnit(units, q[0]!);
      if (!unit) continue;
      const share = dominantShare(usage.get(tenant) ?? ZERO, total);
      const c = pick ? compareShare(share, pick.share) : -1;
      if (c < 0 || (c === 0 && tenant < pick!.tenant)) pick = { tenant, share, unit };
    }
    if (!pick) break;
    const r = queues.get(pick.tenant)!.shift()!;
    units = place(units, pick.unit.unitId, r);
    usage.set(r.tenantId, add(usage.get(r.tenantId) ?? ZERO, r.need));
    placements.push({ jobId: r.jobId, tenantId: r.tenantId, unitId: pick.unit.unitId, providerId: pick.unit.providerId });
  }
  return { placements, unplaced: [...queues.values()].flat(), units };
}

/** The units with a job's allocation removed (job end); attained service stays. */
export function release(units: readonly Unit[], jobId: string): Unit[] {
  return units.map((u) => (u.allocations.some((a) => a.jobId === jobId) ? { ...u, allocations: u.allocations.filter((a) => a.jobId !== jobId) } : u));
}
