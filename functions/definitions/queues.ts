/**
 * SQS queues: one definition read by CDK and the local stack. Each has a DLQ whose
 * retention exceeds its own, so a message is never lost before an operator can look.
 */
export interface QueueDef {
  id: string;
  description: string;
  fifo: boolean;
  visibilityTimeoutSec: number;
  retentionSec: number;
  maxReceiveCount: number;
  dlqRetentionSec: number;
  /** The consumer: a module under functions/ exporting `handler` (an SQS handler). */
  consumer: { entry: string; batchSize: number; timeoutSec: number; memoryMb: number };
  /** Alarm when the oldest message is older than this. */
  maxAgeAlarmSec: number;
}

const DAY = 86_400;

export const QUEUES = {
  jobSteps: {
    id: 'job-steps',
    description: 'One message per job lifecycle step; consumers are idempotent',
    fifo: false,
    visibilityTimeoutSec: 60,
    retentionSec: 4 * DAY,
    maxReceiveCount: 5,
    dlqRetentionSec: 14 * DAY,
    consumer: { entry: 'functions/jobs/handlers/step-consumer.ts', batchSize: 10, timeoutSec: 50, memoryMb: 512 },
    maxAgeAlarmSec: 300,
  },
  taskEvents: {
    id: 'task-events',
    description: 'Container task-state changes (ECS Task State Change, or the local sandbox)',
    fifo: false,
    visibilityTimeoutSec: 60,
    retentionSec: 4 * DAY,
    maxReceiveCount: 5,
    dlqRetentionSec: 14 * DAY,
    consumer: { entry: 'functions/jobs/handlers/task-event-consumer.ts', batchSize: 10, timeoutSec: 50, memoryMb: 512 },
    maxAgeAlarmSec: 300,
  },
  jobBilling: {
    id: 'job-billing',
    description: 'Terminal Job State Changed events: each ended job billed once (RCs first, the rest at spot)',
    fifo: false,
    visibilityTimeoutSec: 60,
    retentionSec: 4 * DAY,
    maxReceiveCount: 5,
    dlqRetentionSec: 14 * DAY,
    consumer: { entry: 'functions/jobs/handlers/billing-consumer.ts', batchSize: 10, timeoutSec: 50, memoryMb: 512 },
    maxAgeAlarmSec: 300,
  },
  stripeEvents: {
    id: 'stripe-events',
    description: 'Verified Stripe events, normalised; group = the buyer, dedupe id = the event id',
    fifo: true,
    visibilityTimeoutSec: 60,
    retentionSec: 4 * DAY,
    maxReceiveCount: 5,
    dlqRetentionSec: 14 * DAY,
    consumer: { entry: 'functions/payments/handlers/stripe-event-consumer.ts', batchSize: 10, timeoutSec: 50, memoryMb: 512 },
    maxAgeAlarmSec: 300,
  },
  payouts: {
    id: 'payouts',
    description: 'One message per provider payout to pay through its rail; the worker is idempotent',
    fifo: false,
    visibilityTimeoutSec: 120,
    retentionSec: 4 * DAY,
    maxReceiveCount: 5,
    dlqRetentionSec: 14 * DAY,
    consumer: { entry: 'functions/payments/handlers/payout-consumer.ts', batchSize: 5, timeoutSec: 100, memoryMb: 512 },
    maxAgeAlarmSec: 900,
  },
} as const satisfies Record<string, QueueDef>;

export type QueueId = keyof typeof QUEUES;

export const queueName = (prefix: string, q: QueueDef, dlq = false): string => `${prefix}-${q.id}${dlq ? '-dlq' : ''}${q.fifo ? '.fifo' : ''}`;
