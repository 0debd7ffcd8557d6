/** The billed-endings rule (functions/jobs/domain/bill.ts), row by row, and the runtime rounding. */
import { describe, expect, it } from 'vitest';
import { billability, runtimeSeconds } from '../../../functions/jobs/domain/bill.ts';

describe('which endings are billed', () => {
  it.each([
    ['COMPLETED', undefined, true, { billed: true, rule: 'completed' }],
    ['ABORTED', 'cancelled', true, { billed: true, rule: 'cancelled_by_buyer' }],
    ['ABORTED', 'timeout', true, { billed: true, rule: 'buyer_deadline' }],
    ['FAILED', 'nonzero_exit', true, { billed: true, rule: 'workload_failed' }],
    ['FAILED', 'oom_killed', true, { billed: true, rule: 'workload_failed' }],
    ['FAILED', 'container_lost', true, { billed: false, why: 'provider_failure' }],
    ['ABORTED', 'lease_expired', true, { billed: false, why: 'ended_by_exchange' }],
    ['ABORTED', 'provider_offline', true, { billed: false, why: 'ended_by_exchange' }],
    ['ABORTED', 'revoked_session', true, { billed: false, why: 'ended_by_exchange' }],
    ['FAILED', 'attestation_failed', true, { billed: false, why: 'provider_failure' }],
    ['ABORTED', 'cancelled', false, { billed: false, why: 'never_started' }],
    ['FAILED', 'launch_failed', false, { billed: false, why: 'never_started' }],
    ['FAILED', 'agent_key_unavailable', false, { billed: false, why: 'never_started' }],
    ['FAILED', 'profile_changed', false, { billed: false, why: 'never_started' }],
    ['COMPLETED', undefined, false, { billed: false, why: 'never_started' }],
    ['RUNNING', undefined, true, { billed: false, why: 'not_terminal' }],
  ] as const)('%s (%s), container attested: %s', (status, reason, hasCreation, expected) =>
    expect(billability({ status, reason, hasCreation })).toEqual(expected),
  );
});

describe('runtime between the attestations', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:02:30.000Z', 150n],
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', 1n],
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:59.999Z', 60n],
    ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:00.000Z', 0n],
    ['not a time', '2026-01-01T00:00:00.000Z', 0n],
  ])('%s → %s: %i s (a started second counts)', (a, b, s) => expect(runtimeSeconds(a, b)).toBe(s));
});
