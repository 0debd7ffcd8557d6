/**
 * Schedules and event rules: one definition read by CDK (EventBridge Scheduler / rules)
 * and the local scheduler and event bus.
 */
import { JOB_STATE_CHANGED } from '../../events/job-state-changed.ts';
export interface ScheduleDef {
  id: string;
  description: string;
  /** Fixed rate in seconds (EventBridge `rate(...)`; locally a timer). */
  everySec: number;
  /** A module under functions/ exporting `handler` (a scheduled-event handler). */
  entry: string;
  timeoutSec: number;
  memoryMb: number;
}

export const SCHEDULES = {
  rcExpiry: {
    id: 'rc-expiry',
    description: 'Expire RCs past their expiry: gamma refund to the owner, breakage to the provider',
    everySec: 300,
    entry: 'functions/market/handlers/expire-schedule.ts',
    timeoutSec: 300,
    memoryMb: 512,
  },
  settlementHolds: {
    id: 'settlement-holds',
    description: "Release settled jobs' holds whose dispute window ended, undisputed, to their providers",
    everySec: 900,
    entry: 'functions/market/handlers/holds-schedule.ts',
    timeoutSec: 300,
    memoryMb: 512,
  },
  ledgerCheck: {
    id: 'ledger-check',
    description: 'Prove conservation and rebuild balances from entries; alarm on any difference',
    everySec: 3600,
    entry: 'functions/ledger/handlers/check-schedule.ts',
    timeoutSec: 900,
    memoryMb: 1024,
  },
  jobTimeouts: {
    id: 'job-timeouts',
    description: 'Abort jobs past their deadline and reclaim expired agent leases',
    everySec: 60,
    entry: 'functions/jobs/handlers/timeout-sweep.ts',
    timeoutSec: 60,
    memoryMb: 512,
  },
  providerHeartbeats: {
    id: 'provider-heartbeats',
    description: 'Mark providers offline after missed heartbeats: out of quotes and placement',
    everySec: 60,
    entry: 'functions/providers/handlers/offline-sweep.ts',
    timeoutSec: 60,
    memoryMb: 512,
  },
  paymentsReconcile: {
    id: 'payments-reconcile',
    description: 'Match ConversionExecuted and on-chain payouts against the ledger; log every difference (no chain: nothing to do)',
    everySec: 3600,
    entry: 'functions/payments/handlers/reconcile-schedule.ts',
    timeoutSec: 300,
    memoryMb: 512,
  },
  revocationFeed: {
    id: 'revocation-feed',
    description: 'Pull the signed revocation feed; apply a newer version (sessions cancelled, jobs aborted)',
    everySec: 60,
    entry: 'functions/privacy/handlers/revocation-feed.ts',
    timeoutSec: 60,
    memoryMb: 512,
  },
  transparencySth: {
    id: 'transparency-sth',
    description: "Log the receipt signer's keys and sign a tree head of the key transparency log",
    everySec: 3600,
    entry: 'functions/control-plane/handlers/transparency-schedule.ts',
    timeoutSec: 120,
    memoryMb: 1024,
  },
} as const satisfies Record<string, ScheduleDef>;

export type ScheduleId = keyof typeof SCHEDULES;

/** The source of every domain event this system publishes on its own bus. */
export const DOMAIN_EVENT_SOURCE = 'vracu.exchange';

/** EventBridge rules whose targets are queues. */
export interface EventRuleDef {
  id: string;
  description: string;
  /** `detail`: top-level detail members and the values they must hold (EventBridge's own matching, done the same locally). */
  pattern: { source: string[]; 'detail-type': string[]; detail?: Record<string, string[]> };
  targetQueue: 'taskEvents' | 'jobBilling';
}

export const EVENT_RULES = {
  ecsTaskState: {
    id: 'ecs-task-state',
    description: 'ECS task state changes of job containers go to the task-events queue',
    pattern: { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'] },
    targetQueue: 'taskEvents',
  },
  jobEnded: {
    id: 'job-ended',
    description: 'Terminal job state changes go to the billing queue',
    pattern: { source: [DOMAIN_EVENT_SOURCE], 'detail-type': [JOB_STATE_CHANGED], detail: { to: ['COMPLETED', 'FAILED', 'ABORTED'] } },
    targetQueue: 'jobBilling',
  },
} as const satisfies Record<string, EventRuleDef>;
