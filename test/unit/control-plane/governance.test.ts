/** Governance on an injected clock: propose → vote → queue (timelock ≥ 48 h) → execute after the ETA, and every refusal on the way. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../functions/platform/clock.ts';
import {
  execute,
  MIN_TIMELOCK_MS,
  propose,
  queue,
  RULES,
  validRules,
  vote,
  type Proposal,
  type Step,
} from '../../../functions/control-plane/domain/governance.ts';

const H = 3_600_000;
const ok = (s: Step): Proposal => {
  if (!s.ok) throw new Error(`refused: ${s.refusal} (${s.detail})`);
  return s.proposal;
};
const refusal = (s: Step) => (s.ok ? 'ok' : s.refusal);

function started(parameter: 'surge.maxBps' | 'settlement.holdBps', clock: ManualClock): Proposal {
  return ok(propose({ id: 'prp_1', parameter, value: 14_000n, baseVersion: 3n, proposer: 'p1', roles: ['proposer'] }, clock.nowMs()));
}
function votedIn(p: Proposal, clock: ManualClock, votes: [string, string, boolean][]): Proposal {
  return votes.reduce((acc, [voter, role, support]) => ok(vote(acc, { voter, roles: [role], support }, clock.nowMs())), p);
}

describe('governance timelock', () => {
  it('an early execute is refused, a late one works', () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 2));
    let p = votedIn(started('surge.maxBps', clock), clock, [
      ['a', 'voter', true],
      ['b', 'voter', true],
      ['c', 'voter', false],
    ]);
    expect(refusal(queue(p, clock.nowMs()))).toBe('voting_open');
    clock.advance(RULES.votingPeriodMs);
    p = ok(queue(p, clock.nowMs()));
    expect(p).toMatchObject({ status: 'QUEUED', eta: clock.nowMs() + 48 * H });
    clock.advance(48 * H - 1);
    expect(refusal(execute(p, clock.nowMs(), 3n))).toBe('timelock_pending');
    clock.advance(1);
    expect(ok(execute(p, clock.nowMs(), 3n))).toMatchObject({ status: 'EXECUTED', executedAt: clock.nowMs() });
  });
  it('a failed quorum cannot be queued, nor a proposal that did not pass', () => {
    const clock = new ManualClock(0);
    const thin = votedIn(started('surge.maxBps', clock), clock, [
      ['a', 'voter', true],
      ['b', 'voter', true],
    ]);
    const lost = votedIn(started('surge.maxBps', clock), clock, [
      ['a', 'voter', true],
      ['b', 'voter', false],
      ['c', 'voter', false],
    ]);
    clock.advance(RULES.votingPeriodMs);
    expect(refusal(queue(thin, clock.nowMs()))).toBe('quorum_not_met');
    expect(refusal(queue(lost, clock.nowMs()))).toBe('not_passed');
    expect(refusal(execute(thin, clock.nowMs() + 100 * H, 3n))).toBe('not_queued');
  });
  it('votes: once per voter, only while voting is open, only with a voting role; proposals need the proposer role', () => {
    const clock = new ManualClock(0);
    const p = votedIn(started('surge.maxBps', clock), clock, [['a', 'voter', true]]);
    expect(refusal(vote(p, { voter: 'a', roles: ['voter'], support: false }, clock.nowMs()))).toBe('already_voted');
    expect(refusal(vote(p, { voter: 'z', roles: ['buyer'], support: true }, clock.nowMs()))).toBe('not_voter');
    expect(refusal(vote(p, { voter: 'b', roles: ['voter'], support: true }, RULES.votingPeriodMs))).toBe('voting_closed');
    expect(refusal(propose({ id: 'x', parameter: 'surge.maxBps', value: 1n, baseVersion: 1n, proposer: 'b', roles: ['buyer'] }, 0))).toBe('not_proposer');
  });
  it('a sensitive parameter needs a yes from every required role (multi-role approval)', () => {
    const clock = new ManualClock(0);
    const voters = votedIn(started('settlement.holdBps', clock), clock, [
      ['a', 'voter', true],
      ['b', 'voter', true],
      ['c', 'operator', true],
    ]);
    const both = votedIn(started('settlement.holdBps', clock), clock, [
      ['a', 'voter', true],
      ['c', 'operator', true],
      ['d', 'admin', true],
    ]);
    clock.advance(RULES.votingPeriodMs);
    expect(refusal(queue(voters, clock.nowMs()))).toBe('roles_missing');
    expect(ok(queue(both, clock.nowMs())).status).toBe('QUEUED');
  });
  it('a change made against an older version of the parameter is refused at execution; the timelock cannot be set under 48 h', () => {
    const clock = new ManualClock(0);
    let p = votedIn(started('surge.maxBps', clock), clock, [
      ['a', 'voter', true],
      ['b', 'voter', true],
      ['c', 'voter', true],
    ]);
    clock.advance(RULES.votingPeriodMs);
    p = ok(queue(p, clock.nowMs(), { ...RULES, timelockMs: 1 }));
    expect(p.eta! - clock.nowMs()).toBe(MIN_TIMELOCK_MS);
    expect(refusal(execute(p, p.eta!, 4n))).toBe('parameter_moved');
    expect(validRules({ ...RULES, timelockMs: 47 * H })).toMatch(/48 h/);
    expect(validRules(RULES)).toBeNull();
  });
});
