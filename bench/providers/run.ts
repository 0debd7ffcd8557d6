/**
 * `npm run bench:providers`: providers on the local stack (DynamoDB Local, the SQS server, the
 * queue pump, the real sandbox driver), driven over HTTP with real node keys.
 *  1. heartbeats: N simulated nodes join and verify, then heartbeat as fast as `--concurrency`
 *     requests allow for `--heartbeat-seconds`: accepted per second, p50/p99;
 *  2. job end → bill visible: GPU jobs placed on a joined provider, one at a time; from the
 *     terminal event to `GET /v1/jobs/{id}` showing the bill, p50/p99 (target p50 ≤ 1 s);
 *  3. placement under load: `--pool-jobs` one-second GPU jobs placed on a joined provider through
 *     `--agents` agents: total time against the ideal ⌈jobs/agents⌉ s (target ≤ 1.3×).
 * Writes the "## Providers" section of docs/performance.md.
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
import { mintRoute } from '../../functions/ledger/api.ts';
import { getJobRoute, submitJobRoute } from '../../functions/jobs/api.ts';
import { heartbeatRoute, joinRoute, joinTokenCreateRoute, verifyRoute } from '../../functions/providers/api.ts';
import { initAgents } from '../../sdk/dispatcher/identities.ts';
import { registerAgent } from '../../sdk/dispatcher/agents.ts';
import { generateNodeKey, signCanonical, verificationMessage, type NodeKey } from '../../sdk/provider/node-key.ts';
import { percentile as sortedPercentile } from '../market/stats.ts';
import { writeSection } from '../support/performance-doc.ts';
import { countRequests } from '../support/request-count.ts';

const percentile = (xs: number[], p: number): number =>
  sortedPercentile(
    [...xs].sort((a, b) => a - b),
    p,
  );

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '20' },
    'heartbeat-seconds': { type: 'string', default: '10' },
    'bill-jobs': { type: 'string', default: '20' },
    'pool-jobs': { type: 'string', default: '100' },
    agents: { type: 'string', default: '9' },
    'no-doc': { type: 'boolean', default: false },
  },
});
const NODES = Number(args.nodes);
const CONCURRENCY = Number(args.concurrency);
const HB_SECONDS = Number(args['heartbeat-seconds']);
const BILL_JOBS = Number(args['bill-jobs']);
const POOL_JOBS = Number(args['pool-jobs']);
const AGENTS = Number(args.agents);

interface Node {
  providerId: string;
  client: VracuClient;
  key: NodeKey;
  lastTs: number;
}

const gpus = (n: number, mig: number) =>
  Array.from({ length: n }, (_, index) => ({
    index,
    model: 'NVIDIA H100 80GB HBM3',
    memoryMiB: 81559,
    migMode: mig > 0,
    migInstances: Array(mig).fill('1g.10gb') as string[],
  }));

async function beat(n: Node, inventory: ReturnType<typeof gpus>, freeUnits: number) {
  // Strictly increasing timestamps per node (a heartbeat not newer than the last is a replay).
  n.lastTs = Math.max(Date.now(), n.lastTs + 1);
  const body = {
    providerId: n.providerId,
    timestampMs: n.lastTs,
    inventory: { gpus: inventory },
    telemetry: { utilizationPct: 10, temperatureC: 40, freeUnits },
  };
  return n.client.call(heartbeatRoute, { params: { id: n.providerId }, body: { ...body, signature: signCanonical(n.key, body) } });
}

async function main() {
  const dir = join(mkdtempSync(join(tmpdir(), 'vap-bench-')), 'dispatcher');
  initAgents(dir, AGENTS);
  const stack = await startLocalStack({
    port: 0,
    memory: true,
    quiet: true,
    jobs: { dispatcherDir: dir, maxAgents: AGENTS, env: { VRACU_TENANT_MAX_ACTIVE_JOBS: '10000', VRACU_TENANT_MAX_ACTIVE_GPU_MINUTES: '100000000' } },
  });
  const admin = new VracuClient({ baseUrl: stack.url, apiKey: stack.adminKey });
  for (let i = 1; i <= AGENTS; i++) await registerAgent(admin, dir, `agent-${i}`, `ari${i}`);
  const operator = new VracuClient({ baseUrl: stack.url, apiKey: (await admin.call(createKeyRoute, { body: { roles: ['operator'] } })).secret });
  const open = new VracuClient({ baseUrl: stack.url });

  async function joinNode(name: string, units: number, spot: string): Promise<Node> {
    const t = await operator.call(joinTokenCreateRoute, { body: { policy: { gpuModels: [], regions: [], maxUnits: 4096 }, ttlSec: 600 } });
    const j = await open.call(joinRoute, { body: { token: t.token, name, gpuModel: 'H100', region: 'us-east', units, spotPrice: spot } });
    const client = new VracuClient({ baseUrl: stack.url, apiKey: j.apiKey });
    const key = generateNodeKey();
    await client.call(verifyRoute, {
      body: {
        challenge: j.challenge,
        publicKey: key.publicKey,
        algorithm: 'ed25519',
        signature: signCanonical(key, verificationMessage(j.providerId, j.challenge)),
      },
    });
    return { providerId: j.providerId, client, key, lastTs: 0 };
  }

  // 1. heartbeats from N nodes.
  process.stdout.write(`heartbeats: ${NODES} nodes join and verify ...\n`);
  const nodes: Node[] = [];
  for (let i = 0; i < NODES; i += 10)
    nodes.push(...(await Promise.all(Array.from({ length: Math.min(10, NODES - i) }, (_, k) => joinNode(`sim-${i + k}`, 8, '50')))));
  const inv8 = gpus(8, 0);
  process.stdout.write(`heartbeats: ${CONCURRENCY} at a time for ${HB_SECONDS} s ...\n`);
  const hbMs: number[] = [];
  let hbFailed = 0;
  const hbEnd = performance.now() + HB_SECONDS * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < hbEnd) {
        const n = nodes[next++ % nodes.length]!;
        const t = performance.now();
        try {
          await beat(n, inv8, 8);
          hbMs.push(performance.now() - t);
        } catch {
          hbFailed++;
        }
      }
    }),
  );
  const heartbeats = {
    nodes: NODES,
    concurrency: CONCURRENCY,
    seconds: HB_SECONDS,
    accepted: hbMs.length,
    failed: hbFailed,
    perSec: +(hbMs.length / HB_SECONDS).toFixed(1),
    p50Ms: Math.round(percentile(hbMs, 50)),
    p99Ms: Math.round(percentile(hbMs, 99)),
  };
  process.stdout.write(`${JSON.stringify(heartbeats)}\n`);

  // The simulated nodes fall silent; the one that runs the jobs: 64 GPUs in MIG mode, 2 instances each (128 units), cheapest.
  const runner = await joinNode('bench-runner', 4096, '1');
  const inv128 = gpus(64, 2);
  await beat(runner, inv128, 128);
  const keepAlive = setInterval(() => void beat(runner, inv128, 128).catch(() => undefined), 1000);
  const { principalId, secret } = await admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'bench' } });
  await admin.call(mintRoute, { body: { user: principalId, amount: '100000' }, idempotencyKey: `bench-mint-${principalId}` });
  const buyer = new VracuClient({ baseUrl: stack.url, apiKey: secret });

  const waiters = new Map<string, () => void>();
  const timeline = new Map<string, Timeline>();
  stack.bus.subscribe((e) => {
    if (e['detail-type'] === 'ECS Task State Change') {
      // The sandbox's own reports (startedBy is the job id): where the container's time ends and the exchange's begins.
      const t = timeline.get(String(e.detail.startedBy));
      if (t) t.at[`task:${String(e.detail.lastStatus)}`] ??= performance.now();
      return;
    }
    if (e['detail-type'] !== 'Job State Changed') return;
    const jobId = String(e.detail.jobId);
    const t = timeline.get(jobId) ?? { at: {} };
    t.at[String(e.detail.to)] ??= performance.now();
    if (e.detail.to === 'LAUNCHING') t.agentId = String(e.detail.agentId);
    timeline.set(jobId, t);
    if (endedAt(t) !== undefined) waiters.get(jobId)?.();
  });
  const submit = async (seconds: number) => {
    const { jobId } = await buyer.call(submitJobRoute, {
      body: {
        adapter: 'render',
        spec: { frames: 1, numGpus: 1, scmMinutes: 1, image: 'local/sandbox', command: ['sh', '-c', `sleep ${seconds}`] },
        memoryMb: 128,
        timeoutMs: 120_000,
      },
    });
    const done = new Promise<void>((r) => (endedAt(timeline.get(jobId)) !== undefined ? r() : waiters.set(jobId, r)));
    return { jobId, done };
  };

  // 2. job end → bill visible.
  process.stdout.write(`billing: ${BILL_JOBS} jobs one at a time ...\n`);
  const billMs: number[] = [];
  const placedOn = new Set<string>();
  for (let i = 0; i < BILL_JOBS; i++) {
    const j = await submit(0.2);
    await j.done;
    for (;;) {
      const view = await buyer.call(getJobRoute, { params: { id: j.jobId } });
      if (view.bill) {
        billMs.push(performance.now() - endedAt(timeline.get(j.jobId))!);
        placedOn.add(view.providerId ?? '');
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const billing = {
    jobs: BILL_JOBS,
    p50Ms: Math.round(percentile(billMs, 50)),
    p99Ms: Math.round(percentile(billMs, 99)),
    onRunner: placedOn.size === 1 && placedOn.has(runner.providerId),
  };
  process.stdout.write(`${JSON.stringify(billing)}\n`);

  // 3. placement under load.
  process.stdout.write(`pool: ${POOL_JOBS} one-second GPU jobs through ${AGENTS} agents ...\n`);
  const requests = countRequests(stack);
  const t0 = performance.now();
  const jobs: { jobId: string; done: Promise<void> }[] = [];
  for (let i = 0; i < POOL_JOBS; i += 10) jobs.push(...(await Promise.all(Array.from({ length: Math.min(10, POOL_JOBS - i) }, () => submit(1)))));
  await Promise.all(jobs.map((j) => j.done));
  const totalMs = performance.now() - t0;
  const requestsPerJob = requests.per(POOL_JOBS);
  clearInterval(keepAlive);
  const breakdown = poolBreakdown(
    jobs.map((j) => timeline.get(j.jobId)!),
    t0,
  );
  process.stdout.write(`${JSON.stringify(breakdown)}\n`);
  const ideal = Math.ceil(POOL_JOBS / AGENTS);
  const pool = {
    jobs: POOL_JOBS,
    agents: AGENTS,
    totalSeconds: +(totalMs / 1000).toFixed(1),
    idealSeconds: ideal,
    ratio: +(totalMs / 1000 / ideal).toFixed(2),
    breakdown,
    requestsPerJob,
  };
  process.stdout.write(`${JSON.stringify(pool)}\n`);
  await stack.stop();
  const r = { machine: { cpus: cpus().length, node: process.version }, startedAt: new Date().toISOString(), heartbeats, billing, pool };
  if (!args['no-doc']) writeDoc(r);
  process.exit(0);
}

/** A job's moves as the bus saw them (performance.now), and the agent it was claimed on. */
interface Timeline {
  agentId?: string;
  at: Record<string, number>;
}

/** When the job reached a terminal status, if it has. */
const endedAt = (t: Timeline | undefined): number | undefined => t && (t.at.COMPLETED ?? t.at.FAILED ?? t.at.ABORTED);

/**
 * Where a pool run's time goes, per agent: from one job's end to the next job's claim on the
 * same agent (turnover), claim → RUNNING (launch), RUNNING → ended (run: the 1 s sleep plus
 * the sandbox's exit report and the ending step). Medians and p90 in ms.
 */
function poolBreakdown(rows: Timeline[], t0: number) {
  const end = (r: Timeline) => endedAt(r) ?? Number.NaN;
  const byAgent = new Map<string, Timeline[]>();
  for (const r of rows) if (r.agentId) byAgent.set(r.agentId, [...(byAgent.get(r.agentId) ?? []), r]);
  const turnover: number[] = [];
  for (const list of byAgent.values()) {
    list.sort((a, b) => a.at.LAUNCHING! - b.at.LAUNCHING!);
    for (let i = 1; i < list.length; i++) turnover.push(list[i]!.at.LAUNCHING! - end(list[i - 1]!));
  }
  const stat = (xs: number[]) => ({ p50: Math.round(percentile(xs, 50)), p90: Math.round(percentile(xs, 90)) });
  const launched = rows.filter((r) => r.at.LAUNCHING !== undefined && r.at.RUNNING !== undefined);
  const reported = launched.filter((r) => r.at['task:RUNNING'] !== undefined && r.at['task:STOPPED'] !== undefined);
  return {
    firstClaimMs: Math.round(Math.min(...rows.map((r) => r.at.LAUNCHING ?? Number.POSITIVE_INFINITY)) - t0),
    turnoverMs: stat(turnover),
    launchMs: stat(launched.map((r) => r.at.RUNNING! - r.at.LAUNCHING!)),
    runMs: stat(launched.map((r) => end(r) - r.at.RUNNING!)),
    // The two halves of each: the sandbox's report against the job's move it leads to.
    spawnMs: stat(reported.map((r) => r.at['task:RUNNING']! - r.at.LAUNCHING!)),
    runningReportMs: stat(reported.map((r) => r.at.RUNNING! - r.at['task:RUNNING']!)),
    sandboxMs: stat(reported.map((r) => r.at['task:STOPPED']! - r.at['task:RUNNING']!)),
    endingMs: stat(reported.map((r) => end(r) - r.at['task:STOPPED']!)),
    jobsPerAgent: [...byAgent.values()].map((l) => l.length),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function writeDoc(r: Record<string, any>) {
  const { heartbeats: h, billing: b, pool: p } = r;
  const body = `
\`npm run bench:providers\` (run ${r.startedAt}; ${r.machine.cpus} cores shared with DynamoDB Local, the SQS server and the sandboxes; Node ${r.machine.node}). The local stack over HTTP with real Ed25519 node keys; jobs run in the real sandbox, placed on a joined provider and billed through the billing queue.

| measure | result | target |
|---|---|---|
| heartbeats accepted, ${h.nodes} simulated nodes, ${h.concurrency} in flight for ${h.seconds} s | **${h.perSec}/s** (p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms; ${h.failed} failed) | |
| job end (terminal event) → bill visible on \`GET /v1/jobs/{id}\`, ${b.jobs} jobs | p50 **${b.p50Ms} ms**, p99 ${b.p99Ms} ms | p50 ≤ 1 s |
| ${p.jobs} one-second GPU jobs placed through ${p.agents} agents | **${p.totalSeconds} s** (ideal ${p.idealSeconds} s: **${p.ratio}×**) | ≤ 1.3× |

Where a pool run's time goes (medians, p90 in brackets): from one job's end to the next job's claim on the same agent **${p.breakdown.turnoverMs.p50} ms** (${p.breakdown.turnoverMs.p90}), claim → RUNNING **${p.breakdown.launchMs.p50} ms** (${p.breakdown.launchMs.p90}), RUNNING → ended **${p.breakdown.runMs.p50} ms** (${p.breakdown.runMs.p90}) for a 1 s sleep; first claim ${p.breakdown.firstClaimMs} ms after the first submission. Jobs per agent: ${p.breakdown.jobsPerAgent.join(', ')}. Split by the sandbox's own task reports: claim → sandbox started **${p.breakdown.spawnMs.p50} ms** (${p.breakdown.spawnMs.p90}), sandbox started → job RUNNING (the report's way through the task-event queue) **${p.breakdown.runningReportMs.p50} ms** (${p.breakdown.runningReportMs.p90}), sandbox started → stopped (sidecar, bubblewrap, the 1 s workload, the wipe) **${p.breakdown.sandboxMs.p50} ms** (${p.breakdown.sandboxMs.p90}), sandbox stopped → job ended (the ending step) **${p.breakdown.endingMs.p50} ms** (${p.breakdown.endingMs.p90}).

DynamoDB requests per job of the pool phase: **${p.requestsPerJob.total}** (${Object.entries(p.requestsPerJob)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; \`transactions\` and \`batches\` span tables).

What moved the pool figure, each change measured on this machine just before and after it: every sidecar starting through the TypeScript loader (≈ 0.6 CPU-s each; now one esbuild bundle as the image runs it, local/sandbox/sidecar-bundle.ts: 75.8 s → 36.1 s), placement reading the revocation of every candidate provider (37 registry reads per job, now 1), concurrent dispatchers racing for the head of the queue, every loser having placed the job and given its units back (≈ 90 DynamoDB requests per job; one dispatcher walks at a time under a lease, docs/jobs.md: 38.4 s before, 31.1-35.7 s in three runs after), and DynamoDB Local's JVM, which held one of the two cores with G1's and C2's background threads (sampled with \`ps\`, 2026-12-03) and now runs with the serial collector and C1 only (local/engines/dynamo.ts, 2026-12-04: 32.9 s → 16.6 s and 16.4 s in two runs; heartbeats 87.5 → 288.5/s; bill visible p50 118 → 47 ms). Running five pollers per queue instead of one made the run slower (61 s).

${
  p.ratio > 1.3
    ? `The pool target is **not met** (${p.ratio}× for ≤ 1.3×). What is left, timed inside the sandbox with marks in the sidecar and the driver (2026-12-04, 45 jobs, medians): the sidecar's Node start ≈ 50 ms and its own modules ≈ 25 ms, the \`sh -c sleep\` workload's own start and exit ≈ 35 ms, the exit and the driver's wipe ≈ 15 ms; then the ending step and the next claim (the turnover above). The session call (≈ 55 ms) is off that path for a job with no inputs: the launch tells the sidecar how many inputs the job names (\`VRACU_SIDECAR_INPUTS\`), and with none it asks for the output slots while the workload runs (1.36× → 1.32× in runs side by side); a 409 while the launch records the container is asked again after 20 ms, not 250. Per job the pool makes the DynamoDB requests above, a third of them the dispatcher's walk (its lease, the queue, the agents) and the task events' reads of the job; on two cores shared by nine sandboxes, the stack and DynamoDB Local, the tails (p90 above) are what the remaining gap is made of.`
    : ''
}

What the control plane's seams cost, measured side by side on 2026-12-06 (this bench, full configuration, the commit before them and after, one after the other): 100 pool jobs 18.8 s → 24.7 s (1.57× → 2.06×; a second run after: 21.0 s), heartbeats 206 → 156/s, job end → bill visible p50 64 → 114 ms, DynamoDB requests per pool job 57 → 59. The claim path now reads the buyer's ledger position and the governed guards (one round of three reads, every spot placement), the turnover above is where it shows; the billing step reads the job's slices, signs its receipt (ML-DSA-65) and frees its scheduler allocation; a node's first heartbeat registers its units with the scheduler (one write per GPU or MIG instance). A first version that read every unit per placement and let concurrent placements race for one unit took 211 s.

Not measured yet: the seed's market volume with jobs placed and billed through this path.
`;
  writeSection('## Providers', body);
}

await main();
