/**
 * The schedule handler factory (beside httpHandler and sqsConsumer): an EventBridge
 * Scheduler invocation with the same Powertools logger, metrics and tracer. `handle` does
 * the work and returns its report, which is logged (at info) and returned.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { entry, type Composition, type Entry, type HasRuntime } from './compose.ts';
import { logger } from './observability.ts';
import { observed } from './observed.ts';

export function scheduled<D extends HasRuntime, R>(
  composition: Composition<D>,
  name: string,
  handle: (d: D, event: ScheduledEvent) => Promise<R>,
  /** Whether the report is worth a log line (default: always). */
  worthLogging: (report: R) => boolean = () => true,
): Entry<ScheduledEvent, R, D> {
  return entry(composition, (d) =>
    observed(async (event: ScheduledEvent, _context: Context) => {
      const report = await handle(d, event);
      if (worthLogging(report)) logger.info(name, { report });
      return report;
    }),
  );
}
