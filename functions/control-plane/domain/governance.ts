/**
 * Governance (seed §8.5): a versioned parameter store changed only by proposals.
 *
 *   propose (proposer role)  → ACTIVE until votingEndsAt = createdAt + voting period
 *   vote (voter role, once)  while ACTIVE and before votingEndsAt
 *   queue                    after votingEndsAt, only if quorum (yes + no ≥ quorum) and yes > no,
 *                            and, for sensitive parameters, yes votes from every required role;
 *                            eta = queuedAt + timelock (≥ 48 h)
 *   execute                  at or after eta: the parameter moves to version + 1
 * Over the API the proposer and voter roles are the platform's operator and admin roles.
 * Every step is a pure transition returning the new proposal or the reason it is refused;
 * time is an argument (the injected clock).
 */
import { isoAt } from '../../platform/clock.ts';

export const MIN_TIMELOCK_MS = 48 * 3_600_000;

/** Governed parameters, their values before any change, and whether a change needs multi-role approval. */
export const PARAMETERS = {
  'surge.startBps': { sensitive: false, initial: 9_500n },
  'surge.maxBps': { sensitive: false, initial: 15_000n },
  'settlement.holdBps': { sensitive: true, initial: 1_000n },
  'spot.floorMicro': { sensitive: true, initial: 0n },
  'spot.capMicro': { sensitive: true, initial: 10n ** 15n },
  'guards.maxExposureMicro': { sensitive: true, initial: 10_000_000_000n },
} as const;
export const isParameter = (n: string): n is ParameterName => Object.hasOwn(PARAMETERS, n);
export type ParameterName = keyof typeof PARAMETERS;
export const PARAMETER_NAMES = Object.keys(PARAMETERS) as ParameterName[];

export interface GovernanceRules {
  votingPeriodMs: number;
  timelockMs: number;
  quorum: number;
  /** Roles whose yes vote a sensitive change needs, each at least once. */
  sensitiveRoles: readonly string[];
}

export const RULES: GovernanceRules = { votingPeriodMs: 72 * 3_600_000, timelockMs: MIN_TIMELOCK_MS, quorum: 3, sensitiveRoles: ['operator', 'admin'] };

export type ProposalStatus = 'ACTIVE' | 'QUEUED' | 'EXECUTED' | 'DEFEATED';

export interface Vote {
  voter: string;
  role: string;
  support: boolean;
  at: number;
}

export interface Proposal {
  id: string;
  parameter: ParameterName;
  /** The new value (an integer: bp or µACU). */
  value: bigint;
  /** The parameter version the change applies to (executing refuses if it moved). */
  baseVersion: bigint;
  proposer: string;
  createdAt: number;
  votingEndsAt: number;
  status: ProposalStatus;
  votes: readonly Vote[];
  eta?: number;
  executedAt?: number;
}

export type Refusal =
  | 'not_proposer'
  | 'not_voter'
  | 'voting_closed'
  | 'already_voted'
  | 'voting_open'
  | 'quorum_not_met'
  | 'not_passed'
  | 'roles_missing'
  | 'not_active'
  | 'not_queued'
  | 'timelock_pending'
  | 'parameter_moved';

export type Step = { ok: true; proposal: Proposal } | { ok: false; refusal: Refusal; detail: string };

const no = (refusal: Refusal, detail: string): Step => ({ ok: false, refusal, detail });

export function validRules(r: GovernanceRules): string | null {
  if (r.timelockMs < MIN_TIMELOCK_MS) return 'the timelock is at least 48 h';
  if (r.quorum < 1 || r.votingPeriodMs < 1) return 'quorum and voting period must be positive';
  return null;
}

export function propose(
  p: { id: string; parameter: ParameterName; value: bigint; baseVersion: bigint; proposer: string; roles: readonly string[] },
  now: number,
  r: GovernanceRules = RULES,
): Step {
  if (!['proposer', 'operator', 'admin'].some((r) => p.roles.includes(r))) return no('not_proposer', 'proposals need the proposer, operator or admin role');
  return {
    ok: true,
    proposal: {
      id: p.id,
      parameter: p.parameter,
      value: p.value,
      baseVersion: p.baseVersion,
      proposer: p.proposer,
      createdAt: now,
      votingEndsAt: now + r.votingPeriodMs,
      status: 'ACTIVE',
      votes: [],
    },
  };
}

export function vote(p: Proposal, v: { voter: string; roles: readonly string[]; support: boolean }, now: number): Step {
  const role = ['admin', 'operator', 'voter'].find((x) => v.roles.includes(x));
  if (!role) return no('not_voter', 'votes need the voter, operator or admin role');
  if (p.status !== 'ACTIVE' || now >= p.votingEndsAt) return no('voting_closed', 'the voting period is over');
  if (p.votes.some((x) => x.voter === v.voter)) return no('already_voted', `${v.voter} has voted`);
  return { ok: true, proposal: { ...p, votes: [...p.votes, { voter: v.voter, role, support: v.support, at: now }] } };
}

export function tally(p: Proposal): { yes: number; no: number } {
  const yes = p.votes.filter((v) => v.support).length;
  return { yes, no: p.votes.length - yes };
}

/** Queue a passed proposal behind the timelock; a failed one is DEFEATED (and can never be queued). */
export function queue(p: Proposal, now: number, r: GovernanceRules = RULES): Step {
  if (p.status !== 'ACTIVE') return no('not_active', `the proposal is ${p.status}`);
  if (now < p.votingEndsAt) return no('voting_open', 'voting is still open');
  const t = tally(p);
  if (t.yes + t.no < r.quorum) return no('quorum_not_met', `${t.yes + t.no} of ${r.quorum} votes`);
  if (t.yes <= t.no) return no('not_passed', `${t.yes} yes, ${t.no} no`);
  if (PARAMETERS[p.parameter].sensitive) {
    const missing = r.sensitiveRoles.filter((role) => !p.votes.some((v) => v.support && v.role === role));
    if (missing.length) return no('roles_missing', `a sensitive parameter needs yes votes from: ${missing.join(', ')}`);
  }
  return { ok: true, proposal: { ...p, status: 'QUEUED', eta: now + Math.max(r.timelockMs, MIN_TIMELOCK_MS) } };
}

/** The proposal's end when voting is over and it cannot pass. */
export function defeat(p: Proposal): Proposal {
  return { ...p, status: 'DEFEATED' };
}

export function execute(p: Proposal, now: number, currentVersion: bigint): Step {
  if (p.status !== 'QUEUED') return no('not_queued', `the proposal is ${p.status}`);
  if (now < p.eta!) return no('timelock_pending', `executable from ${isoAt(p.eta!)}`);
  if (currentVersion !== p.baseVersion)
    return no('parameter_moved', `the parameter is at version ${currentVersion}, the proposal was made at ${p.baseVersion}`);
  return { ok: true, proposal: { ...p, status: 'EXECUTED', executedAt: now } };
}

export const EXECUTION_LABEL = 'vracu/governance-execution/v1';
