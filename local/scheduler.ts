/** Runs the schedules of functions/definitions/schedules.ts on timers, with the same handlers. */
import type { ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { SCHEDULES, type ScheduleId } from '../functions/definitions/schedules.ts';
import { lambdaContext } from './apigw-event.ts';
import type { Invoke } from './modules.ts';

export interface Scheduler {
  runNow(id: ScheduleId): Promise<unknown>;
  stop(): void;
}

export function scheduledEvent(id: string, nowMs: number): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '000000000000',
    time: new Date(nowMs).toISOString(),
    region: 'us-east-1',
    resources: [`arn:aws:scheduler:local:000000000000:schedule/default/${id}`],
    detail: {},
  };
}

export function startScheduler(opts: { enabled: boolean; nowMs: () => number; invoke: Invoke; log?: (l: string) => void }): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<ScheduleId>();
  async function runNow(id: ScheduleId): Promise<unknown> {
    const s = SCHEDULES[id];
    const handler = await opts.invoke(s.entry);
    return handler(scheduledEvent(s.id, opts.nowMs()), lambdaContext(s.id, s.timeoutSec * 1000));
  }
  if (opts.enabled) {
    for (const id of Object.keys(SCHEDULES) as ScheduleId[]) {
      const t = setInterval(() => {
        if (running.has(id)) return; // never overlap a slow run with the next tick
        running.add(id);
        runNow(id)
          .catch((err: unknown) => opts.log?.(`schedule ${id} failed: ${(err as Error).message}`))
          .finally(() => running.delete(id));
      }, SCHEDULES[id].everySec * 1000);
      t.unref();
      timers.push(t);
    }
  }
  return { runNow, stop: () => timers.forEach(clearInterval) };
}
