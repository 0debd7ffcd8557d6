/**
 * Coverage of a finished job (seed §1.5 flow 2): the user's usable RCs for the provider,
 * earliest expiry first; each SCU covered moves that RC's usage fee from escrow to the
 * provider; the rest is billed at the provider's spot price.
 *
 * Shortfall rule: the spot bill is taken from the user's balance as far as it goes and
 * the rest is booked against `arrears:<user>` (which may go negative: what the user owes).
 * The provider is always paid in full, no balance ever goes negative, no money is
 * created, and the next top-up settles the arrears first.
 */
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
  /** What the provider receives in all. */
  payoutMicro: bigint;
}

/** Usable now: ACTIVE, unexpired, with free SCU. Sorted earliest expiry first (then id). */
export function usableRcs(rcs: readonly Rc[], nowIso: string): Rc[] {
  return rcs
    .filter((r) => r.status === 'ACTIVE' && r.expiresAt > nowIso && freeScu(r) > 0n)
    .sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : a.rcId < b.rcId ? -1 : 1));
}

export function planCoverage(rcs: readonly Rc[], nowIso: string, jobScu: bigint, spotPriceMicro: bigint, userBalanceMicro: bigint): CoveragePlan {
  const draws: RcDraw[] = [];
  let left = jobScu;
  for (const rc of usableRcs(rcs, nowIso).slice(0, MAX_RCS_PER_JOB)) {
    if (left === 0n) break;
    const free = freeScu(rc);
    const take = free < left ? free : left;
    const usageMicro = escrowShare(rc.escrowMicro, take, rc.maxScu - rc.usedScu);
    const usedScuAfter = rc.usedScu + take;
    draws.push({ rcId: rc.rcId, scu: take, usageMicro, usedScuAfter, escrowAfter: rc.escrowMicro - usageMicro, statusAfter: statusAfter(rc.maxScu, usedScuAfter), version: rc.version });
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
  };
}
