/**
 * `npm run bench:jobs`: the jobs context on the local stack (DynamoDB Local, the SQS
 * server, the queue pump, the real sandbox driver), driven over HTTP.
 *  1. submit → RUNNING with a creation attestation, p50/p99, one job at a time;
 *  2. container exit (its STOPPED event) → terminal with a deletion attestation, p50/p99;
 *  3. 100 one-second jobs through a pool of 9: total time and the largest concurrency seen
 *     (must never exceed 9), every attestation verified offline.
 * Options: --latency-jobs <n> (20), --pool-jobs <n> (100), --agents <n> (9), --job-seconds <s> (1).
 * Writes the "## Jobs" section of docs/performance.md.
 */
import '../../local/process-defaults.ts';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startLocalStack } from '../../local/stack.ts';
import { VracuClient } from '../../sdk/client.ts';
import { createKeyRoute } from '../../functions/platform/api.ts';
import { listAgentsRoute, poolAttestationsRoute, poolStatusRoute, submitJobRoute } from '../../functions/jobs/api.ts';
import { initAgents } from '../../sdk/dispatcher/identities.ts';
import { registerAgent } from '../../sdk/dispatcher/agents.ts';
import { privacyStats, type AttestedJob } from '../../sdk/dispatcher/privacy.ts';
import { writeSection } from '../support/performance-doc.ts';

const { values: args } = parseArgs({
  options: {
    'latency-jobs': { type: 'string', default: '20' },
    'pool-jobs': { type: 'string', default: '100' },
    agents: { type: 'string', default: '9' },
    'job-seconds': { type: 'string', default: '1' },
  },
});
const LATENCY_JOBS = Number(args['latency-jobs']);
const POOL_JOBS = Number(args['pool-jobs']);
const AGENTS = Number(args.agents);
const JOB_SECONDS = Number(args['job-seconds']);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!) : NaN;
};

async function main() {
  const dir = join(mkdtempSync(join(tmpdir(), 'vap-bench-')), 'dispatcher');
  initAgents(dir, AGENTS);
  const t0 = performance.now();
  const stack = await startLocalStack({
    port: 0,
    memory: true,
    quiet: true,
    jobs: { dispatcherDir: dir, maxAgents: AGENTS, env: { VRACU_TENANT_MAX_ACTIVE_JOBS: '10000', VRACU_TENANT_MAX_ACTIVE_GPU_MINUTES: '100000000' } },
  });
  const startupMs = Math.round(performance.now() - t0);
  const admin = new VracuClient({ baseUrl: stack.url, apiKey: stack.adminKey });
  for (let i = 1; i <= AGENTS; i++) await registerAgent(admin, dir, `agent-${i}`, `ari${i}`);
  const buyer = new VracuClient({ baseUrl: stack.url, apiKey: (await admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'bench' } })).secret });

  // Timestamps of what the exchange publishes, seen in-process as they happen.
  const at = new Map<string, Record<string, number>>();
  const mark = (jobId: string, what: string) => {
    const m = at.get(jobId) ?? {};
    m[what] ??= performance.now();
    at.set(jobId, m);
  };
  const live = new Set<string>();
  let maxLive = 0;
  const waiters = new Map<string, () => void>();
  stack.bus.subscribe((e) => {
    const jobId = String(e.detail.jobId ?? e.detail.startedBy ?? '');
    if (e['detail-type'] === 'ECS Task State Change') {
      const arn = String(e.detail.taskArn);
      if (e.detail.lastStatus === 'STOPPED') {
        live.delete(arn);
        mark(jobId, 'stopped');
      } else live.add(arn);
      maxLive = Math.max(maxLive, live.size);
    } else if (e['detail-type'] === 'Job State Changed') {
      const to = String(e.detail.to);
      mark(jobId, to);
      if (['COMPLETED', 'FAILED', 'ABORTED'].includes(to)) waiters.get(jobId)?.();
    }
  });
  const body = (seconds: number) => ({
    adapter: 'render',
    spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', `sleep ${seconds}`] },
    memoryMb: 128,
    timeoutMs: 120_000,
  });
  async function submit(seconds: number): Promise<{ jobId: string; submittedAt: number; done: Promise<void> }> {
    const submittedAt = performance.now();
    const { jobId } = await buyer.call(submitJobRoute, { body: body(seconds) });
    mark(jobId, 'submitted');
    at.get(jobId)!.submitted = submittedAt;
    const done = new Promise<void>((r) => {
      if (['COMPLETED', 'FAILED', 'ABORTED'].some((s) => at.get(jobId)?.[s] !== undefined)) r();
      else waiters.set(jobId, r);
    });
    return { jobId, submittedAt, done };
  }

  // 1 + 2: one job at a time, on an idle pool.
  process.stdout.write(`latency: ${LATENCY_JOBS} jobs one at a time ...\n`);
  const toRunning: number[] = [];
  const exitToDeletion: number[] = [];
  const latencyIds: string[] = [];
  for (let i = 0; i < LATENCY_JOBS; i++) {
    const j = await submit(JOB_SECONDS);
    await j.done;
    latencyIds.push(j.jobId);
    const m = at.get(j.jobId)!;
    if (m.RUNNING !== undefined) toRunning.push(m.RUNNING - j.submittedAt);
    if (process.env.BENCH_STEPS)
      process.stdout.write(
        `${['submitted', 'PENDING', 'PROFILING', 'ALLOCATING', 'LAUNCHING', 'RUNNING', 'stopped', 'COMPLETED'].map((k) => `${k}=${Math.round((m[k] ?? NaN) - j.submittedAt)}`).join(' ')}\n`,
      );
    const end = m.COMPLETED ?? m.FAILED ?? m.ABORTED;
    if (end !== undefined && m.stopped !== undefined) exitToDeletion.push(end - m.stopped);
  }

  // 3: the pool under load.
  process.stdout.write(`pool: ${POOL_JOBS} ${JOB_SECONDS}-second jobs through ${AGENTS} agents ...\n`);
  live.clear();
  maxLive = 0;
  const poolStart = performance.now();
  const submitted: { jobId: string; done: Promise<void> }[] = [];
  for (let i = 0; i < POOL_JOBS; i += 10) {
    submitted.push(...(await Promise.all(Array.from({ length: Math.min(10, POOL_JOBS - i) }, () => submit(JOB_SECONDS)))));
  }
  const submitMs = performance.now() - poolStart;
  // Progress every 10 s, so a stall shows where jobs wait.
  const progress = setInterval(() => {
    void admin.call(poolStatusRoute).then((st) => {
      const byStatus: Record<string, number> = {};
      for (const j of st.active) byStatus[j.status] = (byStatus[j.status] ?? 0) + 1;
      process.stdout.write(`  busy ${st.busy}/${st.maxAgents}, queued ${st.queued}, active ${JSON.stringify(byStatus)}, live containers ${live.size}\n`);
    });
  }, 10_000);
  await Promise.all(submitted.map((s) => s.done));
  clearInterval(progress);
  const poolMs = performance.now() - poolStart;
  const poolToRunning = submitted
    .map((s) => at.get(s.jobId)!)
    .filter((m) => m.RUNNING !== undefined)
    .map((m) => m.RUNNING! - m.submitted!);

  const [attested, agents] = await Promise.all([admin.call(poolAttestationsRoute, { query: { limit: '1000' } }), admin.call(listAgentsRoute)]);
  const stats = privacyStats(attested.jobs as AttestedJob[], new Map(agents.agents.map((a) => [a.name, a.publicKey])));
  const statuses: Record<string, number> = {};
  for (const j of attested.jobs) statuses[j.status] = (statuses[j.status] ?? 0) + 1;
  await stack.stop();

  const r = {
    machine: { cpus: cpus().length, node: process.version },
    startedAt: new Date().toISOString(),
    startupMs,
    latency: {
      jobs: LATENCY_JOBS,
      toRunningP50: pct(toRunning, 50),
      toRunningP99: pct(toRunning, 99),
      exitToDeletionP50: pct(exitToDeletion, 50),
      exitToDeletionP99: pct(exitToDeletion, 99),
    },
    pool: {
      jobs: POOL_JOBS,
      agents: AGENTS,
      totalSeconds: +(poolMs / 1000).toFixed(1),
      submitSeconds: +(submitMs / 1000).toFixed(1),
      idealSeconds: Math.ceil(POOL_JOBS / AGENTS) * JOB_SECONDS,
      maxConcurrency: maxLive,
      toRunningP50: pct(poolToRunning, 50),
      toRunningP99: pct(poolToRunning, 99),
    },
    attestations: { ...stats, statuses },
  };
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  writeDoc(r);
  if (maxLive > AGENTS) {
    process.stderr.write(`FAIL: ${maxLive} containers ran at once with ${AGENTS} agents\n`);
    process.exit(1);
  }
  if (stats.verified !== stats.withContainer || stats.missing) {
    process.stderr.write('FAIL: some attestations are missing or do not verify\n');
    process.exit(1);
  }
  process.exit(0);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function writeDoc(r: Record<string, any>) {
  const l = r.latency;
  const p = r.pool;
  const a = r.attestations;
  const body = `
\`npm run bench:jobs\` (run ${r.startedAt}; ${r.machine.cpus} cores shared with DynamoDB Local, the SQS server and the sandboxes; Node ${r.machine.node}). The local stack over HTTP, the real queue pump (one batch at a time per queue, long polling) and the real sandbox driver; jobs are \`sh -c 'sleep ${JOB_SECONDS}'\` on the render adapter with no GPU.

| measure | p50 | p99 | target |
|---|---|---|---|
| submit → RUNNING with creation attestation (idle pool, ${l.jobs} jobs) | ${l.toRunningP50} ms | ${l.toRunningP99} ms | p50 ≤ 500 ms |
| container exit (STOPPED event) → terminal with deletion attestation | ${l.exitToDeletionP50} ms | ${l.exitToDeletionP99} ms | |
| submit → RUNNING under load (${p.jobs} jobs, includes waiting QUEUED) | ${p.toRunningP50} ms | ${p.toRunningP99} ms | |

- ${p.jobs} × ${JOB_SECONDS}-second jobs through a pool of ${p.agents}: **${p.totalSeconds} s** in total (submission took ${p.submitSeconds} s; the ideal, ⌈${p.jobs}/${p.agents}⌉ × ${JOB_SECONDS} s, is ${p.idealSeconds} s). Largest number of containers alive at once: **${p.maxConcurrency}** (must never exceed ${p.agents}).
- Attestations of the ${a.jobs} ended jobs, verified offline against the registered public keys: ${a.created} created, ${a.destroyed} destroyed, ${a.verified}/${a.withContainer} verified, ${a.missing} missing. Final statuses: ${Object.entries(
    a.statuses,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.
- Local stack start-up (DynamoDB Local, SQS server, gateway): ${r.startupMs} ms.
`;
  writeSection('## Jobs', body);
}

await main();
