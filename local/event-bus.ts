/**
 * The local EventBridge: records every event and applies EVENT_RULES, sending matches to
 * their target queues in EventBridge's envelope, as the cloud rule's SQS target would.
 */
import { randomUUID } from 'node:crypto';
import { DOMAIN_EVENT_SOURCE, EVENT_RULES } from '../functions/definitions/schedules.ts';
import type { DomainEvent, EventPublisher } from '../functions/platform/events.ts';
import type { QueueSender } from '../functions/platform/queue.ts';

export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export class LocalEventBus implements EventPublisher {
  readonly events: EventEnvelope[] = [];
  private listeners: ((e: EventEnvelope) => void)[] = [];
  constructor(
    private readonly queues: QueueSender,
    private readonly nowMs: () => number,
  ) {}

  async publish(events: DomainEvent[]): Promise<void> {
    for (const e of events) {
      const env: EventEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': e.detailType,
        source: e.source ?? DOMAIN_EVENT_SOURCE,
        account: '000000000000',
        time: e.time ?? new Date(this.nowMs()).toISOString(),
        region: 'us-east-1',
        resources: [],
        detail: e.detail,
      };
      this.events.push(env);
      if (this.events.length > 10_000) this.events.splice(0, this.events.length - 10_000);
      for (const l of this.listeners) l(env);
      for (const rule of Object.values(EVENT_RULES)) {
        if (
          (rule.pattern.source as readonly string[]).includes(env.source) &&
          (rule.pattern['detail-type'] as readonly string[]).includes(env['detail-type']) &&
          detailMatches((rule.pattern as { detail?: Record<string, readonly string[]> }).detail, env.detail)
        ) {
          await this.queues.send(rule.targetQueue, [{ body: env }]);
        }
      }
    }
  }

  /** Calls `fn` for every event published from now on; returns an unsubscribe function. */
  subscribe(fn: (e: EventEnvelope) => void): () => void {
    this.listeners.push(fn);
    return () => (this.listeners = this.listeners.filter((l) => l !== fn));
  }
}

/** EventBridge's matching of `detail` members: each named member must hold one of its values. */
function detailMatches(pattern: Record<string, readonly string[]> | undefined, detail: Record<string, unknown>): boolean {
  if (!pattern) return true;
  return Object.entries(pattern).every(([k, values]) => typeof detail[k] === 'string' && values.includes(detail[k] as string));
}
