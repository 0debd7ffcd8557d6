/**
 * Domain events. In the cloud they go to the EventBridge bus; locally the local stack's
 * bus applies the same rules (functions/definitions/schedules.ts EVENT_RULES).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DOMAIN_EVENT_SOURCE } from '../definitions/schedules.ts';

export interface DomainEvent {
  /** Defaults to the exchange's own source. */
  source?: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** ISO time; defaults to the publisher's clock. */
  time?: string;
}

export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}
  async publish(events: DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.busName,
            Source: e.source ?? DOMAIN_EVENT_SOURCE,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
            ...(e.time ? { Time: new Date(e.time) } : {}),
          })),
        }),
      );
      if (out.FailedEntryCount) throw new Error(`EventBridge rejected ${out.FailedEntryCount} of ${batch.length} events`);
    }
  }
}

/** Collects events in memory (unit tests). */
export class MemoryPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];
  async publish(events: DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }
}
