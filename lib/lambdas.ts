/**
 * Every Lambda function the definitions imply: one per route, the authorizer, one
 * consumer per queue and one per schedule. Read by the stacks (through their own
 * definitions) and by the cold-start bench, so a new route, queue or schedule is picked
 * up by both without being listed twice.
 */
import { METRICS_NAMESPACE, serviceOf } from '../functions/definitions/metrics.ts';
import { ROUTES } from '../functions/api/routes.ts';
import { AUTHORIZER } from '../functions/definitions/authorizer.ts';
import { FALLBACK } from '../functions/definitions/fallback.ts';
import { QUEUES, type QueueDef } from '../functions/definitions/queues.ts';
import { SCHEDULES, type ScheduleDef } from '../functions/definitions/schedules.ts';
import { SOURCE_MAP_ENV } from './bundling.ts';
import { observabilityEnvironment, platformEnvironment } from '../functions/definitions/environment.ts';

/** How the function is invoked: decides its failure handling (DLQ or not). */
export type LambdaKind = 'route' | 'authorizer' | 'consumer' | 'schedule';

export interface LambdaDef {
  /** Unique within a stage; the physical name is `${prefix}-${id}`. */
  id: string;
  kind: LambdaKind;
  /** Module path from the repository root exporting `handler`. */
  entry: string;
  /** Unset: the environment's default. */
  memoryMb?: number;
  timeoutSec?: number;
  description: string;
}

/** Consumer function id of a queue. */
export const consumerId = (q: QueueDef): string => `${q.id}-consumer`;
/** Function id of a schedule's target. */
export const scheduleFunctionId = (s: ScheduleDef): string => `${s.id}-schedule`;

export function lambdaDefs(): LambdaDef[] {
  const defs: LambdaDef[] = [
    ...ROUTES.map((r) => ({
      id: r.id,
      kind: 'route' as const,
      entry: r.entry,
      memoryMb: r.memoryMb,
      timeoutSec: r.timeoutSec,
      description: `${r.method} ${r.path}: ${r.summary}`,
    })),
    { id: AUTHORIZER.id, kind: 'authorizer', entry: AUTHORIZER.entry, description: `API key authorizer (${AUTHORIZER.identityHeader})` },
    { id: FALLBACK.id, kind: 'route', entry: FALLBACK.entry, description: '$default: problem+json 404/405 for what no route matches' },
    ...Object.values(QUEUES as Record<string, QueueDef>).map((q) => ({
      id: consumerId(q),
      kind: 'consumer' as const,
      entry: q.consumer.entry,
      memoryMb: q.consumer.memoryMb,
      timeoutSec: q.consumer.timeoutSec,
      description: `Consumer of ${q.id}: ${q.description}`,
    })),
    ...Object.values(SCHEDULES as Record<string, ScheduleDef>).map((s) => ({
      id: scheduleFunctionId(s),
      kind: 'schedule' as const,
      entry: s.entry,
      memoryMb: s.memoryMb,
      timeoutSec: s.timeoutSec,
      description: `Every ${s.everySec} s: ${s.description}`,
    })),
  ];
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.id)) throw new Error(`two Lambda functions share the id "${d.id}" (routes, authorizer, queue consumers, schedules)`);
    seen.add(d.id);
  }
  return defs;
}

/** The bounded context of an entry: `functions/<context>/...`. */
export function contextOf(entry: string): string {
  const m = /^functions\/([^/]+)\//.exec(entry);
  if (!m) throw new Error(`entry "${entry}" is not under functions/<context>/`);
  return m[1]!;
}

/**
 * The variables every function gets besides its wiring (queue URLs, bus, job cluster):
 * set by the CDK construct, and by the cold-start bench so config parsing succeeds.
 */
export function baseEnvironment(def: LambdaDef, stage: string, prefix: string): Record<string, string> {
  return {
    ...platformEnvironment({ stage, tablePrefix: prefix }),
    ...observabilityEnvironment({ service: serviceOf(contextOf(def.entry)), metricsNamespace: METRICS_NAMESPACE }),
    ...SOURCE_MAP_ENV,
  };
}
