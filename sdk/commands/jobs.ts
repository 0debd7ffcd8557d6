/** `vracu jobs ...` and `vracu agents list`. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  attestationsRoute,
  cancelJobRoute,
  getJobRoute,
  jobLogsRoute,
  jobStatusRoute,
  listAgentsRoute,
  listJobsRoute,
  preflightRoute,
  submitJobRoute,
} from '../../functions/jobs/api.ts';
import { table, type CliContext } from '../cli/context.ts';

interface SubmitOpts {
  adapter: string;
  spec?: string;
  timeoutMs?: string;
  memoryMb?: string;
  cpuUnits?: string;
  network?: 'none' | 'exchange';
  input?: string[];
}

/** `--spec '{"frames":1}'` or `--spec @spec.json`. */
function specOf(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  const text = raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw;
  const v = JSON.parse(text) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('--spec must be a JSON object');
  return v as Record<string, unknown>;
}

/** `--input name=art_...` (what `vracu artifacts put` prints). */
function inputOf(raw: string): { name: string; artifactId: string } {
  const at = raw.indexOf('=');
  if (at < 1) throw new Error(`--input ${raw}: expected <name>=<artifact id>`);
  return { name: raw.slice(0, at), artifactId: raw.slice(at + 1) };
}

function bodyOf(o: SubmitOpts) {
  return {
    adapter: o.adapter,
    spec: specOf(o.spec),
    ...(o.timeoutMs ? { timeoutMs: Number(o.timeoutMs) } : {}),
    ...(o.memoryMb ? { memoryMb: Number(o.memoryMb) } : {}),
    ...(o.cpuUnits ? { cpuUnits: Number(o.cpuUnits) } : {}),
    ...(o.network ? { network: o.network } : {}),
    ...(o.input?.length ? { inputs: o.input.map(inputOf) } : {}),
  };
}

const submitOptions = (c: Command) =>
  c
    .requiredOption('--adapter <name>', 'training, inference, quant, render, composite, or a registered adapter')
    .option('--spec <json>', 'the adapter spec as JSON, or @file.json')
    .option('--timeout-ms <ms>', 'hard runtime limit (default JOB_TIMEOUT_MS)')
    .option('--memory-mb <mb>', 'container memory (default 2048)')
    .option('--cpu-units <units>', 'container CPU, 1024 = 1 vCPU (default 1024)')
    .option('--network <mode>', 'none (default) or exchange')
    .option('--input <name=artifactId...>', 'a sealed input (vracu artifacts put) the job reads as <name> in its work dir; repeatable');

export function registerJobs(program: Command, ctx: CliContext): void {
  const jobs = program.command('jobs').description('run jobs in ephemeral containers with signed attestations');

  submitOptions(jobs.command('submit').description('submit a job')).action(async (o: SubmitOpts) => {
    const j = await ctx.client().call(submitJobRoute, { body: bodyOf(o) });
    ctx.print(j, (d: typeof j) => `submitted ${d.jobId} (${d.status}); job hash ${d.jobHash}`);
  });

  submitOptions(jobs.command('preflight').description('show the profile and plan a submission would get; nothing is stored')).action(async (o: SubmitOpts) => {
    ctx.print(await ctx.client().call(preflightRoute, { body: bodyOf(o) }));
  });

  jobs
    .command('list')
    .description('your jobs, newest first')
    .option('--limit <n>', 'page size', '25')
    .option('--cursor <c>', 'the `next` of a previous page')
    .action(async (o: { limit: string; cursor?: string }) => {
      const page = await ctx.client().call(listJobsRoute, { query: { limit: o.limit, ...(o.cursor ? { cursor: o.cursor } : {}) } });
      ctx.print(
        page,
        (d: typeof page) =>
          table(
            d.jobs.map((j) => ({
              job: j.jobId,
              adapter: j.adapter,
              status: j.status,
              reason: j.reason ?? '',
              agent: j.agent?.name ?? '',
              created: j.createdAt,
            })),
            ['job', 'adapter', 'status', 'reason', 'agent', 'created'],
          ) + (d.next ? `\nnext page: --cursor ${d.next}` : ''),
      );
    });

  jobs
    .command('get <id>')
    .description('one job')
    .action(async (id: string) => ctx.print(await ctx.client().call(getJobRoute, { params: { id } })));

  jobs
    .command('status <id>')
    .description("a job's status")
    .action(async (id: string) => {
      const s = await ctx.client().call(jobStatusRoute, { params: { id } });
      ctx.print(s, (d: typeof s) => `${d.jobId} ${d.status}${d.reason ? ` (${d.reason})` : ''} at ${d.updatedAt}`);
    });

  jobs
    .command('logs <id>')
    .description("a job's container output")
    .option('--limit <n>', 'lines', '200')
    .action(async (id: string, o: { limit: string }) => {
      const l = await ctx.client().call(jobLogsRoute, { params: { id }, query: { limit: o.limit } });
      ctx.print(l, (d: typeof l) => d.lines.map((x) => x.message).join('\n'));
    });

  jobs
    .command('cancel <id>')
    .description('cancel: stops the container; the job ends ABORTED with a deletion attestation')
    .action(async (id: string) => {
      const j = await ctx.client().call(cancelJobRoute, { params: { id } });
      ctx.print(j, (d: typeof j) => `${d.jobId} ${d.status}${d.abortRequested ? ' (stopping)' : ''}`);
    });

  jobs
    .command('attestations <id>')
    .description("a job's signed creation and deletion attestations (verify with: vap-dispatcher verify <id>)")
    .action(async (id: string) => ctx.print(await ctx.client().call(attestationsRoute, { params: { id } })));

  program
    .command('agents')
    .description('registered agents and their public keys')
    .action(async () => {
      const a = await ctx.client().call(listAgentsRoute);
      ctx.print(a, (d: typeof a) => table(d.agents.map((x) => ({ name: x.name, identity: x.identity, busy: x.busy, publicKey: x.publicKey }))));
    });
}
