/**
 * Coverage of a finished job (seed §1.5 flow 2): the user's usable RCs for the provider,
 * earliest expiry first; each SCU covered moves that RC's usage fee from escrow to the
 * provider; the rest is billed at the provider's spot price.
 *
 * Shortfall rule: the spot bill is taken from the user's balance as far as it goes and
 * the rest is booked against `arrears:<user>` (which may go negative: what the user owes).
 * The provider is always paid in full, no balance ever goes negative, no money is
 * created, and the next top-up settles the arrears first.
 *
 * Hold rule (settlement, seed §9.1): of the spot part, HOLD_FLOOR(spot cost × hold bp / 10,000)
 * goes to `hold:<provider>` for the dispute window instead of to the provider (holds.ts
 * releases or refunds it). The RC-covered part is not held: its price was fixed and escrowed
 * when the RC was sold.
 */
import { divFloor } from '../../platform/money.ts';
import { escrowShare } from './escrow.ts';
import { freeScu, statusAfter, type Rc, type RcStatus } from './rc.ts';

/** One job touches at most this many RCs (one transaction); the rest goes to spot. */
export const MAX_RCS_PER_JOB = 8;

export interface RcDraw {
  rcId: string;
  scu: bigint;
  usageMicro: bigint;
  usedScuAfter: bigint;
  escrowAfter: bigint;
  statusAfter: RcStatus;
  /** The version the RC was read at (the write's guard). */
  version: bigint;
}

export interface CoveragePlan {
  draws: RcDraw[];
  coveredScu: bigint;
  spotScu: bigint;
  spotCostMicro: bigint;
  /** Part of the spot bill paid from the user's balance. */
  spotPaidMicro: bigint;
  /** Part of the spot bill booked as arrears. */
  arrearsMicro: bigint;
  /** What the provider is owed in all (paid now: payout − hold). */
  payoutMicro: bigint;
  /** Part of the spot cost held for the dispute window. */
  holdMicro: bigint;
}

export const BPS = 10_000n;

/** HOLD_FLOOR: the held part of a spot cost. */
export function holdOf(spotCostMicro: bigint, holdBps: bigint): bigint {
  if (holdBps < 0n || holdBps > BPS) throw new RangeError('a hold fraction is 0..10000 bp');
  return divFloor(spotCostMicro * holdBps, BPS);
}

/** Usable now: ACTIVE, unexpired, with free SCU. Sorted earliest expiry first (then id). */
export function usableRcs(rcs: readonly Rc[], nowIso: string): Rc[] {
  return rcs
    .filter((r) => r.status === 'ACTIVE' && r.expiresAt > nowIso && freeScu(r) > 0n)
    .sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : a.rcId < b.rcId ? -1 : 1));
}

export function planCoverage(rcs: readonly Rc[], nowIso: string, jobScu: bigint, spotPriceMicro: bigint, userBalanceMicro: bigint, holdBps = 0n): CoveragePlan {
  const draws: RcDraw[] = [];
  let left = jobScu;
  for (const rc of usableRcs(rcs, nowIso).slice(0, MAX_RCS_PER_JOB)) {
    if (left === 0n) break;
    const free = freeScu(rc);
    const take = free < left ? free : left;
    const usageMicro = escrowShare(rc.escrowMicro, take, rc.maxScu - rc.usedScu);
    const usedScuAfter = rc.usedScu + take;
    draws.push({
      rcId: rc.rcId,
      scu: take,
      usageMicro,
      usedScuAfter,
      escrowAfter: rc.escrowMicro - usageMicro,
      statusAfter: statusAfter(rc.maxScu, usedScuAfter),
      version: rc.version,
    });
    left -= take;
  }
  const spotCostMicro = left * spotPriceMicro;
  const balance = userBalanceMicro > 0n ? userBalanceMicro : 0n;
  const spotPaidMicro = spotCostMicro < balance ? spotCostMicro : balance;
  const covered = draws.reduce((s, d) => s + d.scu, 0n);
  return {
    draws,
    coveredScu: covered,
    spotScu: left,
    spotCostMicro,
    spotPaidMicro,
    arrearsMicro: spotCostMicro - spotPaidMicro,
    payoutMicro: draws.reduce((s, d) => s + d.usageMicro, 0n) + spotCostMicro,
    holdMicro: holdOf(spotCostMicro, holdBps),
  };
}

/** One request covers at most this many finished jobs of one user on one provider. */
export const MAX_JOBS_PER_APPLY = 20;

export interface BatchPlan {
  /** Each job's coverage, as if the jobs were applied one after another in order. */
  plans: CoveragePlan[];
  /** Each RC drawn, once: its state after the whole batch and the version read. */
  rcs: RcDraw[];
}

/** A finished job's usage and the price its uncovered part pays (its metered TWAP, or the spot price now). */
export interface JobToPlan {
  scu: bigint;
  spotPriceMicro: bigint;
}

/**
 * Coverage of several finished jobs of one user on one provider, in order: each job sees
 * the RCs and the balance the jobs before it left. The batch draws from at most
 * MAX_RCS_PER_JOB RCs in all (the first usable ones), so its writes fit one transaction;
 * beyond that, jobs go to spot where applying them one by one could reach a ninth RC.
 */
export function planJobs(rcs: readonly Rc[], nowIso: string, jobs: readonly JobToPlan[], userBalanceMicro: bigint, holdBps = 0n): BatchPlan {
  const state = usableRcs(rcs, nowIso)
    .slice(0, MAX_RCS_PER_JOB)
    .map((r) => ({ ...r }));
  const byId = new Map(state.map((r) => [r.rcId, r]));
  const last = new Map<string, RcDraw>();
  let balance = userBalanceMicro;
  const plans = jobs.map((job) => {
    const plan = planCoverage(state, nowIso, job.scu, job.spotPriceMicro, balance, holdBps);
    for (const d of plan.draws) {
      const rc = byId.get(d.rcId)!;
      rc.usedScu = d.usedScuAfter;
      rc.escrowMicro = d.escrowAfter;
      rc.status = d.statusAfter;
      const prior = last.get(d.rcId);
      last.set(d.rcId, { ...d, scu: d.scu + (prior?.scu ?? 0n), usageMicro: d.usageMicro + (prior?.usageMicro ?? 0n) });
    }
    balance -= plan.spotPaidMicro;
    return plan;
  });
  return { plans, rcs: [...last.values()] };
}
