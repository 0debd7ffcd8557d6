/**
 * The jobs context on the local stack: makes sure a sandbox driver is registered (the
 * sandbox plugin's, else one of our own), points agent signing at the dispatcher's key
 * directory, and stores each container's captured output as job log items when it stops
 * (what GET /v1/jobs/{id}/logs reads locally).
 */
import type { Runtime } from '../functions/platform/runtime.ts';
import type { LocalEventBus } from './event-bus.ts';
import type { LocalPlugin } from './plugins.ts';
import { driverFor } from '../functions/jobs/drivers/select.ts';
import { loadJobsConfig, setJobsConfig } from '../functions/jobs/config.ts';
import { appendJobLogs, type LogLine } from '../functions/jobs/usecases/logs.ts';
import { sandboxPlugin } from './sandbox/plugin.ts';
import { setKeyFileSigner } from '../functions/jobs/usecases/deps.ts';
import { signerFromKeyFile } from '../functions/jobs/signing/local-signer.ts';

export interface LocalJobsOptions {
  /** VAP_DISPATCHER_CONFIG for this stack (where agent key files are read from). */
  dispatcherDir?: string;
  maxAgents?: number;
  log?: (line: string) => void;
}

export interface LocalJobs {
  stop(): Promise<void>;
}

interface WithLogs {
  logs(containerId: string): string | null;
}

/** Wires the jobs context into a running stack ({ runtime, bus }); `stop` undoes it. */
export async function startLocalJobs(stack: { runtime: Runtime; bus: LocalEventBus }, opts: LocalJobsOptions = {}): Promise<LocalJobs> {
  const env = { ...process.env, ...(opts.dispatcherDir ? { VAP_DISPATCHER_CONFIG: opts.dispatcherDir } : {}), ...(opts.maxAgents ? { MAX_AGENTS: String(opts.maxAgents) } : {}) };
  setJobsConfig(loadJobsConfig(env));
  // Agent keys are the dispatcher's key files here (KMS in the cloud).
  setKeyFileSigner(signerFromKeyFile);
  let own: { stop(): Promise<void> } | undefined;
  try {
    driverFor(stack.runtime);
  } catch {
    own = await sandboxPlugin()({ runtime: stack.runtime, bus: stack.bus, dataDir: null, log: opts.log ?? (() => undefined) });
  }
  const table = { doc: stack.runtime.doc, table: stack.runtime.table('jobs') };
  const pending = new Set<Promise<void>>();
  const unsubscribe = stack.bus.subscribe((e) => {
    if (e['detail-type'] !== 'ECS Task State Change' || e.detail.lastStatus !== 'STOPPED') return;
    const jobId = e.detail.startedBy;
    const arn = e.detail.taskArn;
    if (typeof jobId !== 'string' || typeof arn !== 'string') return;
    const driver = driverFor(stack.runtime) as Partial<WithLogs>;
    const text = driver.logs?.(arn) ?? null;
    if (!text) return;
    const ts = Date.parse(String(e.detail.stoppedAt ?? e.time)) || 0;
    const lines: LogLine[] = text.replace(/\n$/, '').split('\n').map((message) => ({ ts, stream: 'stdout', message }));
    const p = appendJobLogs(table, jobId, 0, lines).catch((err: unknown) => opts.log?.(`jobs: storing logs of ${jobId} failed: ${(err as Error).message}`));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  });
  return {
    async stop() {
      unsubscribe();
      await Promise.all(pending);
      await own?.stop();
      setJobsConfig(undefined);
    },
  };
}

/** The same as a local-stack plugin (for PLUGINS), reading VAP_DISPATCHER_CONFIG and MAX_AGENTS from the environment. */
export const jobsPlugin: LocalPlugin = async (ctx) => startLocalJobs({ runtime: ctx.runtime, bus: ctx.bus }, { log: ctx.log });
