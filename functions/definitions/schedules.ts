/**
 * Schedules and event rules: one definition read by CDK (EventBridge Scheduler / rules)
 * and the local scheduler and event bus.
 */
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

/** EventBridge rules whose targets are queues. */
export interface EventRuleDef {
  id: string;
  description: string;
  pattern: { source: string[]; 'detail-type': string[] };
  targetQueue: 'taskEvents';
}

export const EVENT_RULES = {
  ecsTaskState: {
    id: 'ecs-task-state',
    description: 'ECS task state changes of job containers go to the task-events queue',
    pattern: { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'] },
    targetQueue: 'taskEvents',
  },
} as const satisfies Record<string, EventRuleDef>;

/** The source of every domain event this system publishes on its own bus. */
export const DOMAIN_EVENT_SOURCE = 'vracu.exchange';
