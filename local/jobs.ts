/**
 * The jobs context on the local stack, as a plugin: composes it (functions/jobs/deps.ts) on
 * the container driver the sandbox plugin provided, signing with the dispatcher's key files,
 * and stores each container's captured output as job log items when it stops (what
 * GET /v1/jobs/{id}/logs reads locally).
 */
import { loadJobsConfig } from '../functions/jobs/config.ts';
import { composeJobs } from '../functions/jobs/deps.ts';
import { appendJobLogs } from '../functions/jobs/store/logs.ts';
import type { LogLine } from '../functions/jobs/domain/logs.ts';
import { signerFromKeyFile } from '../functions/jobs/drivers/key-file-signer.ts';
import type { LocalPlugin } from './plugin-types.ts';
import { composeProviders, directoryPlacer } from '../functions/providers/index.ts';

export interface LocalJobsOptions {
  /** VAP_DISPATCHER_CONFIG for this stack (where agent key files are read from). */
  dispatcherDir?: string | undefined;
  maxAgents?: number | undefined;
  /** Other jobs settings (JobsEnv names) over the stack's environment, e.g. for tests. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The jobs plugin; options win over the stack's environment (VAP_DISPATCHER_CONFIG, MAX_AGENTS, ...). */
export function jobsPlugin(opts: LocalJobsOptions = {}): LocalPlugin {
  return async (ctx) => {
    const driver = ctx.provided.driver;
    if (!driver) throw new Error('the jobs plugin needs a container driver: start the sandbox plugin before it');
    const config = loadJobsConfig({
      ...ctx.env,
      ...opts.env,
      ...(opts.dispatcherDir ? { VAP_DISPATCHER_CONFIG: opts.dispatcherDir } : {}),
      ...(opts.maxAgents ? { MAX_AGENTS: String(opts.maxAgents) } : {}),
    });
    // Agent keys are the dispatcher's key files here (KMS in the cloud).
    // Jobs are placed on providers (their RCs first, else an online provider at spot); every provider's jobs run in this sandbox, tagged with it.
    const jobs = composeJobs({ rt: ctx.runtime, config, driver, keyFileSigner: signerFromKeyFile, placer: directoryPlacer(composeProviders(ctx.runtime)) });
    const pending = new Set<Promise<void>>();
    const unsubscribe = ctx.bus.subscribe((e) => {
      if (e['detail-type'] !== 'ECS Task State Change' || e.detail.lastStatus !== 'STOPPED') return;
      const jobId = e.detail.startedBy;
      const arn = e.detail.taskArn;
      if (typeof jobId !== 'string' || typeof arn !== 'string') return;
      const text = driver.logs?.(arn) ?? null;
      if (!text) return;
      const ts = Date.parse(String(e.detail.stoppedAt ?? e.time)) || 0;
      const lines: LogLine[] = text
        .replace(/\n$/, '')
        .split('\n')
        .map((message) => ({ ts, stream: 'stdout', message }));
      const p = appendJobLogs(jobs.store, jobId, 0, lines).catch((err: unknown) => ctx.log(`jobs: storing logs of ${jobId} failed: ${(err as Error).message}`));
      pending.add(p);
      void p.finally(() => pending.delete(p));
    });
    return {
      provides: { jobs },
      async stop() {
        unsubscribe();
        await Promise.all(pending);
      },
    };
  };
}
