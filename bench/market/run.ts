/**
 * `npm run bench:market`: the futures load harness (seed §1.12) against a local stack over
 * HTTP. Synthetic users buy RCs, list and trade them, and an operator applies a stream of
 * finished jobs, as the control plane's completion hook does: the jobs of one user's sweep
 * on one provider arrive together, 1 to --batch of them per request. The workers keep the
 * seed's proportions (1,400 RCs : 5,900 trades : 138,000 job applies) and run until
 * --duration seconds pass or --volume (a fraction of that 15-minute volume) is reached.
 * Then job applies alone, batched and one per request, and on the same DynamoDB Local a raw
 * two-item TransactWriteItems loop with the same concurrency (the engine's ceiling); job
 * applies/s are reported as a ratio to it. Ends with the ledger check and the market invariants.
 *
 * Flags: --duration <s> (default 60), --volume <fraction>, --workers <n> (16), --users <n> (200),
 * --batch <n> (20; 1 = one request per job), --job-seconds <s> (15 per job-only phase),
 * --raw-seconds <s> (15), --seed <n> (1), --write-doc (update docs/performance.md),
 * --report <run_summary.json> (re-render the doc section only).
 * Output: .bench/market/<timestamp>/{purchases,jobs,trades}.jsonl and run_summary.json.
 */
import '../../local/process-defaults.ts';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../../local/stack.ts';
import { VracuClient, ApiError } from '../../sdk/client.ts';
import { createKey } from '../../functions/platform/auth/keys.ts';
import { seededPrng } from '../../functions/platform/ids.ts';
import { parseAcu, formatAcu } from '../../functions/platform/money.ts';
import { big } from '../../functions/platform/dynamo/client.ts';
import { mint } from '../../functions/ledger/index.ts';
import { account, ledgerFor } from '../../functions/ledger/index.ts';
import { checkRoute } from '../../functions/ledger/api.ts';
import * as m from '../../functions/market/api.ts';
import { PROVIDER_FIXTURES, TENOR_IDS } from '../../functions/market/domain/catalog.ts';
import { MAX_JOBS_PER_APPLY } from '../../functions/market/domain/coverage.ts';
import { scanTable } from '../../test/support/scan.ts';
import { opStats, round } from './stats.ts';
import { writeSection } from '../support/performance-doc.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SEED_VOLUME = { rcs: 1400, trades: 5900, jobs: 138_000 };
const SEED_SECONDS = 900;
/** A fraction of the seed's volume, rounded up. */
const seedTarget = (fraction: number) => ({
  rcs: Math.ceil(SEED_VOLUME.rcs * fraction),
  trades: Math.ceil(SEED_VOLUME.trades * fraction),
  jobs: Math.ceil(SEED_VOLUME.jobs * fraction),
});

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    volume: { type: 'string' },
    workers: { type: 'string', default: '16' },
    users: { type: 'string', default: '200' },
    'raw-seconds': { type: 'string', default: '15' },
    'job-seconds': { type: 'string', default: '15' },
    batch: { type: 'string', default: String(MAX_JOBS_PER_APPLY) },
    seed: { type: 'string', default: '1' },
    'write-doc': { type: 'boolean', default: false },
    /** Re-render docs/performance.md from an earlier run_summary.json, without running. */
    report: { type: 'string' },
  },
});
const WORKERS = Number(args.workers);
const USERS = Number(args.users);
const DURATION_S = Number(args.duration);
const VOLUME = args.volume ? Number(args.volume) : undefined;
const RAW_S = Number(args['raw-seconds']);
const JOB_S = Number(args['job-seconds']);
const BATCH = Number(args.batch);
if (!Number.isInteger(BATCH) || BATCH < 1 || BATCH > MAX_JOBS_PER_APPLY) throw new Error(`--batch must be 1 to ${MAX_JOBS_PER_APPLY}`);
const rnd = seededPrng(Number(args.seed));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

type Op = 'quote' | 'purchase' | 'list' | 'trade' | 'job';
interface Sample {
  phase: 'mixed' | 'jobOnly' | 'jobOnlySingle';
  op: Op;
  /** Job applies carried by a job request. */
  jobs?: number;
  ms: number;
  ok: boolean;
  status: number;
  code?: string;
}

const say = (s: string) => process.stdout.write(`${s}\n`);

async function main() {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const loadAvgAtStart = round(loadavg()[0]!, 2);
  const outDir = join(ROOT, '.bench', 'market', stamp);
  mkdirSync(outDir, { recursive: true });
  const files = {
    purchases: createWriteStream(join(outDir, 'purchases.jsonl')),
    jobs: createWriteStream(join(outDir, 'jobs.jsonl')),
    trades: createWriteStream(join(outDir, 'trades.jsonl')),
  };

  say(`starting local stack (in memory) ...`);
  const stack = await startLocalStack({ port: 0, memory: true, quiet: true, schedules: false, plugins: false });
  const rt = stack.runtime;
  try {
    // Setup in-process (not measured): keys, catalog, funds.
    const keyDeps = { doc: rt.doc, table: rt.table('auth'), clock: rt.clock, ids: rt.ids };
    const users: { id: string; client: VracuClient }[] = [];
    for (let i = 0; i < USERS; i++) {
      const k = await createKey(keyDeps, { roles: ['buyer'], principalId: `bench-u${i}`, label: 'bench' });
      users.push({ id: k.principal.id, client: new VracuClient({ baseUrl: stack.url, apiKey: k.secret, attempts: 1 }) });
    }
    const op = await createKey(keyDeps, { roles: ['operator'], principalId: 'bench-operator' });
    const operator = new VracuClient({ baseUrl: stack.url, apiKey: op.secret, attempts: 1 });
    const admin = new VracuClient({ baseUrl: stack.url, apiKey: stack.adminKey, attempts: 1 });
    await admin.call(m.providersLoadRoute, { body: {} });
    const ledger = ledgerFor(rt);
    for (const u of users) await mint(ledger, 'bench', `fund-${u.id}`, { user: u.id, amount: parseAcu('1000000') });
    say(`${USERS} users funded, ${PROVIDER_FIXTURES.length} providers loaded; ${WORKERS} workers, ${VOLUME ? `volume ${VOLUME}` : `${DURATION_S} s`}`);

    const samples: Sample[] = [];
    let phase: Sample['phase'] = 'mixed';
    const rcsOf = new Map<string, { rcId: string; providerId: string; free: number }[]>();
    const listings: { listingId: string; sellerId: string; providerId: string; available: number }[] = [];
    /** The harness's view of a user's RCs: jobs and trades draw them down. */
    const rcView = (uid: string) => rcsOf.get(uid) ?? rcsOf.set(uid, []).get(uid)!;
    const target = VOLUME ? seedTarget(VOLUME) : undefined;
    const done = { rcs: 0, trades: 0, jobs: 0 };
    let jobSeq = 0;

    async function timed<T>(
      o: Op,
      fn: () => Promise<T>,
      jobs?: number,
    ): Promise<{ ok: true; value: T; ms: number } | { ok: false; ms: number; status: number; code: string }> {
      const t0 = performance.now();
      try {
        const value = await fn();
        const ms = performance.now() - t0;
        samples.push({ phase, op: o, ms, ok: true, status: 200, ...(jobs ? { jobs } : {}) });
        return { ok: true, value, ms };
      } catch (err) {
        const ms = performance.now() - t0;
        const status = err instanceof ApiError ? err.status : 0;
        const code = err instanceof ApiError ? err.code : `client:${(err as Error).message.slice(0, 60)}`;
        samples.push({ phase, op: o, ms, ok: false, status, code, ...(jobs ? { jobs } : {}) });
        return { ok: false, ms, status, code };
      }
    }

    async function doPurchase() {
      const u = pick(users);
      const tenor = pick(TENOR_IDS);
      const gpu = pick(PROVIDER_FIXTURES).gpuProfile;
      // Per RC the seed runs ~100 jobs of 1-10 SCU: RCs large enough to be drawn on for a while.
      const q = await timed('quote', () => u.client.call(m.quoteRoute, { body: { tenor, quantityScu: between(100, 800), gpuProfile: gpu } }));
      if (!q.ok) return files.purchases.write(`${JSON.stringify({ op: 'quote', user: u.id, tenor, ms: round(q.ms), status: q.status, code: q.code })}\n`);
      const b = await timed('purchase', () => u.client.call(m.purchaseRoute, { body: { quoteId: q.value.quoteId, maxDriftBps: 500 } }));
      files.purchases.write(
        `${JSON.stringify({ op: 'purchase', user: u.id, tenor, quoteId: q.value.quoteId, ms: round(b.ms), ...(b.ok ? { total: b.value.total, rcs: b.value.reservations.map((r) => r.rcId) } : { status: b.status, code: b.code }) })}\n`,
      );
      if (!b.ok) return;
      for (const r of b.value.reservations) {
        done.rcs++;
        rcView(u.id).push({ rcId: r.rcId, providerId: r.providerId, free: r.maxScu });
      }
    }

    async function doList() {
      const owners = [...rcsOf.entries()].filter(([, rs]) => rs.some((r) => r.free > 10));
      if (owners.length === 0) return doPurchase();
      const [uid, rs] = pick(owners);
      const rc = pick(rs.filter((r) => r.free > 10));
      const scu = between(5, Math.min(30, rc.free - 5));
      rc.free -= scu;
      const u = users.find((x) => x.id === uid)!;
      const r = await timed('list', () =>
        u.client.call(m.listingCreateRoute, { body: { rcId: rc.rcId, scu, askPrice: `${between(5, 20)}.${between(0, 999_999)}` } }),
      );
      files.trades.write(
        `${JSON.stringify({ op: 'list', user: uid, rcId: rc.rcId, scu, ms: round(r.ms), ...(r.ok ? { listingId: r.value.listingId } : { status: r.status, code: r.code }) })}\n`,
      );
      if (r.ok) listings.push({ listingId: r.value.listingId, sellerId: uid, providerId: rc.providerId, available: scu });
      // Jobs used the RC since the harness last looked: the server's 409 is right; stop offering it.
      else rc.free = r.code === 'rc_not_active' || r.code === 'listing_exceeds_available' ? 0 : rc.free + scu;
    }

    async function doTrade() {
      const open = listings.filter((l) => l.available > 0);
      if (open.length < 3) return doList();
      const l = pick(open);
      let buyer = pick(users);
      while (buyer.id === l.sellerId) buyer = pick(users);
      const scu = between(1, Math.min(3, l.available));
      l.available -= scu;
      const r = await timed('trade', () => buyer.client.call(m.tradeRoute, { body: { listingId: l.listingId, scu } }));
      files.trades.write(
        `${JSON.stringify({ op: 'trade', buyer: buyer.id, listingId: l.listingId, scu, ms: round(r.ms), ...(r.ok ? { tradeId: r.value.tradeId, total: r.value.total, buyerRcId: r.value.buyerRcId } : { status: r.status, code: r.code }) })}\n`,
      );
      if (r.ok) {
        done.trades++;
        rcView(buyer.id).push({ rcId: r.value.buyerRcId, providerId: l.providerId, free: scu });
      } else l.available = r.code === 'trade_exceeds_listing' || r.code === 'listing_not_open' ? 0 : l.available + scu;
    }

    /** One completion request: 1 to `maxBatch` finished jobs of one user on one provider. */
    async function doJob(maxBatch = BATCH) {
      const owners = [...rcsOf.entries()];
      // Mostly users with RCs on the provider; sometimes a user without, billed at spot.
      const [uid, rs] = owners.length && rnd() < 0.9 ? pick(owners) : [pick(users).id, [] as { providerId: string }[]];
      const providerId = rs.length ? pick(rs).providerId : pick(PROVIDER_FIXTURES).id;
      const jobs = Array.from({ length: between(1, maxBatch) }, () => ({ jobId: `bench-${stamp}-${jobSeq++}`, scu: between(1, 10) }));
      const r =
        jobs.length === 1
          ? await timed('job', async () => ({ jobs: [await operator.call(m.jobApplyRoute, { body: { ...jobs[0]!, userId: uid, providerId } })] }), 1)
          : await timed('job', () => operator.call(m.jobsApplyBatchRoute, { body: { userId: uid, providerId, jobs } }), jobs.length);
      jobs.forEach((j, i) => {
        const a = r.ok ? r.value.jobs[i]! : undefined;
        files.jobs.write(
          `${JSON.stringify({ jobId: j.jobId, user: uid, providerId, scu: j.scu, batch: jobs.length, ms: round(r.ms), ...(a ? { covered: a.coveredScu, spot: a.spotScu, payout: a.payout } : r.ok ? {} : { status: r.status, code: r.code }) })}\n`,
        );
      });
      if (!r.ok) return;
      done.jobs += jobs.length;
      const mine = rcsOf.get(uid) ?? [];
      for (const a of r.value.jobs) {
        for (const d of a.details) {
          const rc = mine.find((x) => x.rcId === d.rcId);
          if (rc) rc.free = d.rcStatus === 'ACTIVE' ? Math.max(0, rc.free - d.scu) : 0;
        }
      }
    }

    // The seed's proportions: the kind furthest behind its share of the volume goes next.
    const pace = target ?? SEED_VOLUME;
    const next = (): (() => Promise<unknown>) => {
      if (done.rcs < WORKERS) return doPurchase;
      const lag = (k: keyof typeof done) => done[k] / pace[k];
      const k = (['rcs', 'trades', 'jobs'] as const).filter((x) => !target || done[x] < target[x]).sort((a, b) => lag(a) - lag(b))[0];
      return k === 'rcs' ? doPurchase : k === 'trades' ? doTrade : () => doJob();
    };
    const finished = () => (target ? done.rcs >= target.rcs && done.trades >= target.trades && done.jobs >= target.jobs : false);

    const started = performance.now();
    const deadline = started + DURATION_S * 1000;
    const progress = setInterval(
      () =>
        say(
          `  ${round((performance.now() - started) / 1000)} s: ${done.rcs} RCs, ${done.trades} trades, ${done.jobs} job applies, ${samples.filter((s) => !s.ok).length} rejections`,
        ),
      10_000,
    );
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (!finished() && (target || performance.now() < deadline)) await next()();
      }),
    );
    clearInterval(progress);
    const loadSeconds = (performance.now() - started) / 1000;
    const mixedDone = { ...done };

    // Job applies alone, batched as in the load and then one per request, right before the
    // raw loop: the like-for-like ratios.
    const jobOnly = async (p: Sample['phase'], maxBatch: number) => {
      say(`job applies only (${maxBatch === 1 ? 'one per request' : `batches of 1-${maxBatch}`}) for ${JOB_S} s ...`);
      phase = p;
      const end = performance.now() + JOB_S * 1000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (performance.now() < end) await doJob(maxBatch);
        }),
      );
      return jobStats(
        samples.filter((x) => x.phase === p),
        (performance.now() - t0) / 1000,
      );
    };
    say(`load phase done in ${round(loadSeconds)} s`);
    const jobPhase = await jobOnly('jobOnly', BATCH);
    const singlePhase = await jobOnly('jobOnlySingle', 1);
    const mixed = samples.filter((x) => x.phase === 'mixed');
    say(`raw TransactWriteItems loop for ${RAW_S} s ...`);
    const raw = await rawTransactLoop(rt, WORKERS, RAW_S);
    await Promise.all(Object.values(files).map((f) => new Promise((r) => f.end(r))));

    say('ledger check and market invariants ...');
    const check = await admin.call(checkRoute, {});
    const invariants = await marketInvariants(rt);

    const by = (o: Op) => mixed.filter((s) => s.op === o);
    const ops = Object.fromEntries((['quote', 'purchase', 'list', 'trade', 'job'] as Op[]).map((o) => [o, opStats(by(o), loadSeconds)]));
    const errorsByCode: Record<string, number> = {};
    for (const s of samples) if (!s.ok) errorsByCode[`${s.op}:${s.code}`] = (errorsByCode[`${s.op}:${s.code}`] ?? 0) + 1;
    const jobApplies = jobStats(by('job'), loadSeconds);
    const summary = {
      startedAt: stamp,
      machine: { cpus: cpus().length, node: process.version, loadAvgAtStart: loadAvgAtStart },
      config: { workers: WORKERS, users: USERS, batch: BATCH, durationSec: VOLUME ? null : DURATION_S, volume: VOLUME ?? null, seed: Number(args.seed) },
      loadSeconds: round(loadSeconds),
      totals: {
        rcs: mixedDone.rcs,
        trades: mixedDone.trades,
        jobApplies: mixedDone.jobs,
        requests: mixed.length,
        jobOnlyPhaseApplies: done.jobs - mixedDone.jobs,
      },
      projected15Min: {
        rcs: Math.round((mixedDone.rcs / loadSeconds) * SEED_SECONDS),
        trades: Math.round((mixedDone.trades / loadSeconds) * SEED_SECONDS),
        jobApplies: Math.round((mixedDone.jobs / loadSeconds) * SEED_SECONDS),
      },
      ops,
      errorsByCode,
      status5xx: samples.filter((s) => s.status >= 500).length,
      transportErrors: samples.filter((s) => s.status === 0).length,
      rawTransactWrite: raw,
      jobApplies,
      jobAppliesPerSecOverRaw: round(jobApplies.appliesPerSec / raw.perSec, 3),
      jobOnlyPhase: { seconds: JOB_S, ...jobPhase, overRaw: round(jobPhase.appliesPerSec / raw.perSec, 3) },
      jobOnlySinglePhase: { seconds: JOB_S, ...singlePhase, overRaw: round(singlePhase.appliesPerSec / raw.perSec, 3) },
      ledgerCheck: { ok: check.ok, violations: check.violations, accounts: check.accounts, transfers: check.transfers },
      marketInvariants: invariants,
    };
    writeFileSync(join(outDir, 'run_summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    say(JSON.stringify(summary, null, 2));
    say(`artifacts in ${outDir}`);
    if (args['write-doc']) writeDoc(summary);
    if (!check.ok || invariants.violations.length || summary.status5xx) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

/** Job requests and the applies they carried (a request of n jobs is n applies). */
function jobStats(samples: Sample[], seconds: number) {
  const ok = samples.filter((x) => x.ok);
  const applies = ok.reduce((n, x) => n + (x.jobs ?? 1), 0);
  return { ...opStats(samples, seconds), applies, appliesPerSec: round(applies / seconds), meanBatch: round(applies / Math.max(1, ok.length), 2) };
}

/** The engine's ceiling: two-item transactions (a guarded debit and a credit), same concurrency. */
async function rawTransactLoop(rt: import('../../functions/platform/runtime.ts').Runtime, workers: number, seconds: number) {
  // The market table: the ledger checker must not meet foreign items.
  const table = rt.table('market');
  const lat: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t0 = performance.now();
        await rt.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: { pk: `RAW#a${w}`, sk: 'RAW' },
                  UpdateExpression: 'ADD balance :m',
                  ConditionExpression: 'attribute_not_exists(balance) OR balance >= :z',
                  ExpressionAttributeValues: { ':m': -1n, ':z': -1_000_000_000n },
                },
              },
              {
                Update: { TableName: table, Key: { pk: `RAW#b${w}`, sk: 'RAW' }, UpdateExpression: 'ADD balance :p', ExpressionAttributeValues: { ':p': 1n } },
              },
            ],
          }),
        );
        lat.push(performance.now() - t0);
      }
    }),
  );
  const s = (performance.now() - started) / 1000;
  const stats = opStats(
    lat.map((ms) => ({ ms, ok: true })),
    s,
  );
  return { seconds: round(s), transactions: lat.length, perSec: stats.perSec, p50Ms: stats.p50Ms, p99Ms: stats.p99Ms };
}

/**
 * Independent of the code under test: every RC's cached escrow equals its ledger escrow
 * account; each provider × tenor counter's sold SCU equals the sum of its unexpired RCs'
 * max SCU (trades move SCU between RCs, never create them; expiry gives them back); no RC uses more than its max; every
 * listing's available SCU stays within what it listed.
 */
async function marketInvariants(rt: import('../../functions/platform/runtime.ts').Runtime) {
  const items = await scanTable(rt, 'market');
  const balances = await ledgerFor(rt).balances('escrow:');
  const violations: string[] = [];
  const sold = new Map<string, bigint>();
  const rcMax = new Map<string, bigint>();
  let rcs = 0;
  for (const it of items) {
    if (it.kind === 'capacity') sold.set(`${String(it.providerId)}:${String(it.tenor)}`, big(it.soldScu));
    if (it.kind === 'rc') {
      rcs++;
      const k = `${String(it.providerId)}:${String(it.tenor)}`;
      if (it.status !== 'EXPIRED') rcMax.set(k, (rcMax.get(k) ?? 0n) + big(it.maxScu));
      const ledgerEscrow = balances.get(account.escrow(String(it.rcId))) ?? 0n;
      if (ledgerEscrow !== big(it.escrowMicro))
        violations.push(`rc ${String(it.rcId)}: cached escrow ${formatAcu(big(it.escrowMicro))} ≠ ledger ${formatAcu(ledgerEscrow)}`);
      if (big(it.usedScu) > big(it.maxScu)) violations.push(`rc ${String(it.rcId)}: used > max`);
    }
    if (it.kind === 'listing' && (big(it.scuAvailable) < 0n || big(it.scuAvailable) > big(it.scuListed)))
      violations.push(`listing ${String(it.listingId)}: available out of range`);
  }
  for (const [k, v] of sold) if (v !== (rcMax.get(k) ?? 0n)) violations.push(`capacity ${k}: sold ${v} ≠ Σ RC max ${rcMax.get(k) ?? 0n}`);
  return { rcs, checkedCounters: sold.size, violations };
}

function writeDoc(s: Record<string, any>) {
  const o = s.ops as Record<string, { count: number; ok: number; perSec: number; p50Ms: number; p99Ms: number }>;
  const rows = Object.entries(o)
    .map(([k, v]) => `| ${k === 'job' ? 'job (requests)' : k} | ${v.count} | ${v.ok} | ${v.perSec} | ${v.p50Ms} | ${v.p99Ms} |`)
    .join('\n');
  const errs =
    Object.entries(s.errorsByCode as Record<string, number>)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const n = (x: number) => x.toLocaleString('en-US');
  const flags = s.config.volume ? `--volume ${s.config.volume}` : `--duration ${s.config.durationSec}`;
  const goal = seedTarget(s.config.volume ?? 1);
  const goalText = `≥ ${n(goal.rcs)}, ≥ ${n(goal.trades)}, ≥ ${n(goal.jobs)}`;
  const volume = s.config.volume
    ? `Volume ${s.config.volume} of the seed's 15-minute run reached in ${s.loadSeconds} s: ${n(s.totals.rcs)} RCs, ${n(s.totals.trades)} trades, ${n(s.totals.jobApplies)} job applies (target: ${goalText} within ${round(SEED_SECONDS * s.config.volume)} s: ${met(s.loadSeconds <= SEED_SECONDS * s.config.volume)}).`
    : `Load phase ${s.loadSeconds} s: ${n(s.totals.rcs)} RCs, ${n(s.totals.trades)} trades, ${n(s.totals.jobApplies)} job applies. Projected to 15 minutes: ${n(s.projected15Min.rcs)} RCs, ${n(s.projected15Min.trades)} trades, ${n(s.projected15Min.jobApplies)} job applies (target ${goalText}: ${met(s.projected15Min.rcs >= goal.rcs && s.projected15Min.trades >= goal.trades && s.projected15Min.jobApplies >= goal.jobs)}).`;
  const j = s.jobApplies;
  const b = s.jobOnlyPhase;
  const one = s.jobOnlySinglePhase;
  const body = `
\`npm run bench:market -- ${flags} --workers ${s.config.workers} --users ${s.config.users} --batch ${s.config.batch}\` (run ${s.startedAt}; ${s.machine.cpus} cores, load average ${s.machine.loadAvgAtStart ?? '?'} at the start, Node ${s.machine.node}). Everything runs on this machine: DynamoDB Local (Java), the SQS server, the gateway and the harness's ${s.config.workers} async workers, over HTTP. Job completions arrive as the completion hook sends them: the jobs of one user's sweep on one provider together, 1 to ${s.config.batch} per request (mean ${j.meanBatch}).

| operation | requests | ok | ok/s | p50 ms | p99 ms |
|---|---|---|---|---|---|
${rows}

- ${volume}
- Job applies in the load: ${n(j.applies)} in ${n(j.ok)} requests, ${j.appliesPerSec}/s.
- Raw two-item TransactWriteItems on the same engine, same concurrency: ${s.rawTransactWrite.perSec}/s (p50 ${s.rawTransactWrite.p50Ms} ms, p99 ${s.rawTransactWrite.p99Ms} ms). Job applies/s in the mixed load ÷ raw = **${s.jobAppliesPerSecOverRaw}** (target ≥ 0.5: ${met(s.jobAppliesPerSecOverRaw >= 0.5)}). Job applies alone for ${b.seconds} s: batched ${b.appliesPerSec}/s (requests p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms), ratio **${b.overRaw}**; one job per request ${one.appliesPerSec}/s (p50 ${one.p50Ms} ms, p99 ${one.p99Ms} ms), ratio **${one.overRaw}**.
- 5xx: ${s.status5xx}; transport errors: ${s.transportErrors}; rejections by code: ${errs}.
- Ledger check: ${s.ledgerCheck.ok ? 'OK' : 'FAILED'} (${s.ledgerCheck.violations} violations over ${n(s.ledgerCheck.accounts)} accounts, ${n(s.ledgerCheck.transfers)} transfers). Market invariants (escrow cache = ledger escrow per RC, sold = Σ unexpired RC max per counter, used ≤ max, listings in range): ${s.marketInvariants.violations.length} violations over ${n(s.marketInvariants.rcs)} RCs.
- Artifacts: \`.bench/market/${s.startedAt}/\` (purchases.jsonl, jobs.jsonl, trades.jsonl, run_summary.json).

How to read it. DynamoDB Local's cost is mostly per item written in a transaction, not per
transaction, and a single job apply writes seven (ledger idempotency record, two entries,
the escrow and provider balance shards, the RC, the job record) where the raw loop writes
two: one job per request stays near a third of the raw rate (the last ratio above), on
any run. A batch of n jobs of one user on one provider writes each RC, balance shard and
entry once and one record per job (about n + 6 items), so its cost per job falls towards
one item. That is the completion hook's natural shape (a user's sweep finishes together)
and what the cloud wants too: fewer writes to the provider's hot balance shards. The seed's
volume is reached only with it; one job per request, this engine tops out near the single
ratio × raw (≈ 100-120 applies/s here, below the seed's 153/s).
`;
  writeSection('## Market load harness', body);
}

if (args.report) writeDoc(JSON.parse(readFileSync(resolve(args.report), 'utf8')) as Record<string, any>);
else await main();
