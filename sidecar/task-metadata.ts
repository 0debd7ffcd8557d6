/**
 * Watch mode: in the ECS task the workload is a container of its own, next to the
 * sidecar. The sidecar follows it through the task metadata endpoint (v4,
 * `$ECS_CONTAINER_METADATA_URI_V4/task`) until it stops, and takes its exit code.
 */
import * as z from 'zod';

const TaskMetadata = z.looseObject({
  TaskARN: z.string().optional(),
  Containers: z.array(
    z.looseObject({
      Name: z.string(),
      KnownStatus: z.string(),
      ExitCode: z.number().int().optional(),
    }),
  ),
});
export type TaskMetadata = z.infer<typeof TaskMetadata>;

export async function fetchTaskMetadata(baseUri: string, fetchImpl: typeof fetch = fetch): Promise<TaskMetadata> {
  const res = await fetchImpl(`${baseUri.replace(/\/$/, '')}/task`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`task metadata answered ${res.status}`);
  return TaskMetadata.parse(await res.json());
}

export interface WatchResult {
  exitCode: number | null;
  timedOut: boolean;
  stopped: boolean;
}

export interface Watch {
  stop(): void;
  done: Promise<WatchResult>;
}

/**
 * Polls until `container` is STOPPED, the deadline passes, or `stop()` is called. Errors of
 * the endpoint are retried (it is local to the task and briefly unavailable at start).
 */
export function watchContainer(opts: { baseUri: string; container: string; timeoutMs: number; intervalMs?: number; fetchImpl?: typeof fetch }): Watch {
  let finish: (r: WatchResult) => void = () => undefined;
  const done = new Promise<WatchResult>((resolve) => (finish = resolve));
  let over = false;
  const end = (r: WatchResult) => {
    if (over) return;
    over = true;
    clearTimeout(deadline);
    clearTimeout(poll);
    finish(r);
  };
  const deadline = setTimeout(() => end({ exitCode: null, timedOut: true, stopped: false }), opts.timeoutMs);
  let poll: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const md = await fetchTaskMetadata(opts.baseUri, opts.fetchImpl);
      const c = md.Containers.find((x) => x.Name === opts.container);
      if (c?.KnownStatus === 'STOPPED') return end({ exitCode: c.ExitCode ?? null, timedOut: false, stopped: false });
    } catch {
      // retried on the next tick
    }
    if (!over) poll = setTimeout(() => void tick(), opts.intervalMs ?? 1000);
  };
  void tick();
  return { stop: () => end({ exitCode: null, timedOut: false, stopped: true }), done };
}
