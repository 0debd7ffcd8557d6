/**
 * `npm run bench:market`: the futures load harness (seed §1.12) against a local stack over
 * HTTP. Synthetic users buy RCs, list and trade them, and an operator applies a stream of
 * finished jobs; concurrent async workers run until --duration seconds pass or --volume
 * (a fraction of the seed's 15-minute volume: 1,400 RCs, 5,900 trades, 138,000 job applies)
 * is reached. Then, on the same DynamoDB Local, a raw two-item TransactWriteItems loop with
 * the same concurrency gives the engine's ceiling; job applies/s are reported as a ratio.
 * Ends with the ledger check and the market invariants.
 *
 * Flags: --duration <s> (default 60), --volume <fraction>, --workers <n> (16), --users <n> (200),
 * --raw-seconds <s> (15), --seed <n> (1), --write-doc (update docs/performance.md).
 * Output: .bench/market/<timestamp>/{purchases,jobs,trades}.jsonl and run_summary.json.
 */
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../../local/stack.ts';
import { VracuClient, ApiError } from '../../sdk/client.ts';
import { createKey } from '../../functions/platform/auth/keys.ts';
import { seededPrng } from '../../functions/platform/ids.ts';
import { parseAcu, formatAcu } from '../../functions/platform/money.ts';
import { big } from '../../functions/platform/dynamo/client.ts';
import { mint } from '../../functions/ledger/mint.ts';
import { account, ledgerFor } from '../../functions/ledger/ledger.ts';
import { checkRoute } from '../../functions/ledger/api.ts';
import * as m from '../../functions/market/api.ts';
import { PROVIDER_FIXTURES, TENOR_IDS } from '../../functions/market/domain/catalog.ts';
import { scanTable } from '../../test/support/scan.ts';
import { opStats, replaceSection, round } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SEED_VOLUME = { rcs: 1400, trades: 5900, jobs: 138_000 };

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    volume: { type: 'string' },
    workers: { type: 'string', default: '16' },
    users: { type: 'string', default: '200' },
    'raw-seconds': { type: 'string', default: '15' },
    'job-seconds': { type: 'string', default: '15' },
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
const rnd = seededPrng(Number(args.seed));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

type Op = 'quote' | 'purchase' | 'list' | 'trade' | 'job';
interface Sample {
  phase: 'mixed' | 'jobOnly';
  op: Op;
  ms: number;
  ok: boolean;
  status: number;
  code?: string;
}

const say = (s: string) => process.stdout.write(`${s}\n`);

async function main() {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = join(ROOT, '.bench', 'market', stamp);
  mkdirSync(outDir, { recursive: true });
  const files = { purchases: createWriteStream(join(outDir, 'purchases.jsonl')), jobs: createWriteStream(join(outDir, 'jobs.jsonl')), trades: createWriteStream(join(outDir, 'trades.jsonl')) };

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
    const listings: { listingId: string; sellerId: string; available: number }[] = [];
    const target = VOLUME ? { rcs: Math.ceil(SEED_VOLUME.rcs * VOLUME), trades: Math.ceil(SEED_VOLUME.trades * VOLUME), jobs: Math.ceil(SEED_VOLUME.jobs * VOLUME) } : undefined;
    const done = { rcs: 0, trades: 0, jobs: 0 };
    let jobSeq = 0;

    async function timed<T>(o: Op, fn: () => Promise<T>): Promise<{ ok: true; value: T; ms: number } | { ok: false; ms: number; status: number; code: string }> {
      const t0 = performance.now();
      try {
        const value = await fn();
        const ms = performance.now() - t0;
        samples.push({ phase, op: o, ms, ok: true, status: 200 });
        return { ok: true, value, ms };
      } catch (err) {
        const ms = performance.now() - t0;
        const status = err instanceof ApiError ? err.status : 0;
        const code = err instanceof ApiError ? err.code : `client:${(err as Error).message.slice(0, 60)}`;
        samples.push({ phase, op: o, ms, ok: false, status, code });
        return { ok: false, ms, status, code };
      }
    }

    async function doPurchase() {
      const u = pick(users);
      const tenor = pick(TENOR_IDS);
      const gpu = pick(PROVIDER_FIXTURES).gpuProfile;
      const q = await timed('quote', () => u.client.call(m.quoteRoute, { body: { tenor, quantityScu: between(20, 200), gpuProfile: gpu } }));
      if (!q.ok) return files.purchases.write(`${JSON.stringify({ op: 'quote', user: u.id, tenor, ms: round(q.ms), status: q.status, code: q.code })}\n`);
      const b = await timed('purchase', () => u.client.call(m.purchaseRoute, { body: { quoteId: q.value.quoteId, maxDriftBps: 500 } }));
      files.purchases.write(`${JSON.stringify({ op: 'purchase', user: u.id, tenor, quoteId: q.value.quoteId, ms: round(b.ms), ...(b.ok ? { total: b.value.total, rcs: b.value.reservations.map((r) => r.rcId) } : { status: b.status, code: b.code }) })}\n`);
      if (!b.ok) return;
      for (const r of b.value.reservations) {
        done.rcs++;
        const list = rcsOf.get(u.id) ?? [];
        list.push({ rcId: r.rcId, providerId: r.providerId, free: r.maxScu });
        rcsOf.set(u.id, list);
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
      const r = await timed('list', () => u.client.call(m.listingCreateRoute, { body: { rcId: rc.rcId, scu, askPrice: `${between(5, 20)}.${between(0, 999_999)}` } }));
      files.trades.write(`${JSON.stringify({ op: 'list', user: uid, rcId: rc.rcId, scu, ms: round(r.ms), ...(r.ok ? { listingId: r.value.listingId } : { status: r.status, code: r.code }) })}\n`);
      if (r.ok) listings.push({ listingId: r.value.listingId, sellerId: uid, available: scu });
      else rc.free += scu;
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
      files.trades.write(`${JSON.stringify({ op: 'trade', buyer: buyer.id, listingId: l.listingId, scu, ms: round(r.ms), ...(r.ok ? { tradeId: r.value.tradeId, total: r.value.total, buyerRcId: r.value.buyerRcId } : { status: r.status, code: r.code }) })}\n`);
      if (r.ok) done.trades++;
      else l.available += scu;
    }

    async function doJob() {
      const owners = [...rcsOf.entries()];
      // Mostly users with RCs on the provider; sometimes a user without, billed at spot.
      const [uid, rs] = owners.length && rnd() < 0.9 ? pick(owners) : [pick(users).id, [] as { providerId: string }[]];
      const providerId = rs.length ? pick(rs).providerId : pick(PROVIDER_FIXTURES).id;
      const jobId = `bench-${stamp}-${jobSeq++}`;
      const scu = between(1, 10);
      const r = await timed('job', () => operator.call(m.jobApplyRoute, { body: { jobId, userId: uid, providerId, scu } }));
      files.jobs.write(`${JSON.stringify({ jobId, user: uid, providerId, scu, ms: round(r.ms), ...(r.ok ? { covered: r.value.coveredScu, spot: r.value.spotScu, payout: r.value.payout } : { status: r.status, code: r.code }) })}\n`);
      if (r.ok) done.jobs++;
    }

    // The seed's mix: per RC about 4 trades and 100 job applies.
    const next = (): (() => Promise<unknown>) => {
      if (done.rcs < WORKERS) return doPurchase;
      if (target) {
        const lag = (k: keyof typeof done) => done[k] / target[k];
        const lags = (['rcs', 'trades', 'jobs'] as const).filter((k) => done[k] < target[k]).sort((a, b) => lag(a) - lag(b));
        const k = lags[0];
        return k === 'rcs' ? doPurchase : k === 'trades' ? doTrade : doJob;
      }
      const x = rnd();
      return x < 0.01 ? doPurchase : x < 0.05 ? doTrade : doJob;
    };
    const finished = () => (target ? done.rcs >= target.rcs && done.trades >= target.trades && done.jobs >= target.jobs : false);

    const started = performance.now();
    const deadline = started + DURATION_S * 1000;
    const progress = setInterval(() => say(`  ${round((performance.now() - started) / 1000)} s: ${done.rcs} RCs, ${done.trades} trades, ${done.jobs} job applies, ${samples.filter((s) => !s.ok).length} rejections`), 10_000);
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (!finished() && (target || performance.now() < deadline)) await next()();
      }),
    );
    clearInterval(progress);
    const loadSeconds = (performance.now() - started) / 1000;
    const mixedDone = { ...done };

    // Job applies alone, right before the raw loop: the like-for-like ratio.
    say(`load phase done in ${round(loadSeconds)} s; job applies only for ${JOB_S} s ...`);
    phase = 'jobOnly';
    const jobEnd = performance.now() + JOB_S * 1000;
    const jobStarted = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (performance.now() < jobEnd) await doJob();
      }),
    );
    const jobPhase = opStats(samples.filter((x) => x.phase === 'jobOnly'), (performance.now() - jobStarted) / 1000);
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
    const jobsPerSec = ops.job!.perSec;
    const summary = {
      startedAt: stamp,
      machine: { cpus: cpus().length, node: process.version },
      config: { workers: WORKERS, users: USERS, durationSec: VOLUME ? null : DURATION_S, volume: VOLUME ?? null, seed: Number(args.seed) },
      loadSeconds: round(loadSeconds),
      totals: { rcs: mixedDone.rcs, trades: mixedDone.trades, jobApplies: mixedDone.jobs, requests: mixed.length, jobOnlyPhaseApplies: done.jobs - mixedDone.jobs },
      projected15Min: { rcs: Math.round((mixedDone.rcs / loadSeconds) * 900), trades: Math.round((mixedDone.trades / loadSeconds) * 900), jobApplies: Math.round((mixedDone.jobs / loadSeconds) * 900) },
      ops,
      errorsByCode,
      status5xx: samples.filter((s) => s.status >= 500).length,
      transportErrors: samples.filter((s) => s.status === 0).length,
      rawTransactWrite: raw,
      jobAppliesPerSecOverRaw: round(jobsPerSec / raw.perSec, 3),
      jobOnlyPhase: { seconds: JOB_S, ...jobPhase, overRaw: round(jobPhase.perSec / raw.perSec, 3) },
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
              { Update: { TableName: table, Key: { pk: `RAW#a${w}`, sk: 'RAW' }, UpdateExpression: 'ADD balance :m', ConditionExpression: 'attribute_not_exists(balance) OR balance >= :z', ExpressionAttributeValues: { ':m': -1n, ':z': -1_000_000_000n } } },
              { Update: { TableName: table, Key: { pk: `RAW#b${w}`, sk: 'RAW' }, UpdateExpression: 'ADD balance :p', ExpressionAttributeValues: { ':p': 1n } } },
            ],
          }),
        );
        lat.push(performance.now() - t0);
      }
    }),
  );
  const s = (performance.now() - started) / 1000;
  const stats = opStats(lat.map((ms) => ({ ms, ok: true })), s);
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
      if (ledgerEscrow !== big(it.escrowMicro)) violations.push(`rc ${String(it.rcId)}: cached escrow ${formatAcu(big(it.escrowMicro))} ≠ ledger ${formatAcu(ledgerEscrow)}`);
      if (big(it.usedScu) > big(it.maxScu)) violations.push(`rc ${String(it.rcId)}: used > max`);
    }
    if (it.kind === 'listing' && (big(it.scuAvailable) < 0n || big(it.scuAvailable) > big(it.scuListed))) violations.push(`listing ${String(it.listingId)}: available out of range`);
  }
  for (const [k, v] of sold) if (v !== (rcMax.get(k) ?? 0n)) violations.push(`capacity ${k}: sold ${v} ≠ Σ RC max ${rcMax.get(k) ?? 0n}`);
  return { rcs, checkedCounters: sold.size, violations };
}

function writeDoc(s: Record<string, any>) {
  const path = join(ROOT, 'docs', 'performance.md');
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
  const o = s.ops as Record<string, { count: number; ok: number; perSec: number; p50Ms: number; p99Ms: number }>;
  const rows = Object.entries(o).map(([k, v]) => `| ${k} | ${v.count} | ${v.ok} | ${v.perSec} | ${v.p50Ms} | ${v.p99Ms} |`).join('\n');
  const errs = Object.entries(s.errorsByCode as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const body = `
\`npm run bench:market -- --duration ${s.config.durationSec ?? '?'} --workers ${s.config.workers} --users ${s.config.users}\` (run ${s.startedAt}; ${s.machine.cpus} cores shared with the engines, Node ${s.machine.node}). Everything runs on this machine: DynamoDB Local (Java), the SQS server, the gateway and the harness's ${s.config.workers} async workers.

| operation | requests | ok | ok/s | p50 ms | p99 ms |
|---|---|---|---|---|---|
${rows}

- Load phase ${s.loadSeconds} s: ${s.totals.rcs} RCs, ${s.totals.trades} trades, ${s.totals.jobApplies} job applies. Projected to 15 minutes: ${s.projected15Min.rcs} RCs, ${s.projected15Min.trades} trades, ${s.projected15Min.jobApplies} job applies (seed target: ≥ 1,400, ≥ 5,900, ≥ 138,000).
- Raw two-item TransactWriteItems on the same engine, same concurrency: ${s.rawTransactWrite.perSec}/s (p50 ${s.rawTransactWrite.p50Ms} ms, p99 ${s.rawTransactWrite.p99Ms} ms). Job applies/s in the mixed load ÷ raw = **${s.jobAppliesPerSecOverRaw}**; in a ${s.jobOnlyPhase?.seconds ?? '?'} s job-only phase just before the raw loop: ${s.jobOnlyPhase?.perSec ?? '?'}/s (p50 ${s.jobOnlyPhase?.p50Ms ?? '?'} ms, p99 ${s.jobOnlyPhase?.p99Ms ?? '?'} ms), ratio **${s.jobOnlyPhase?.overRaw ?? '?'}** (target ≥ 0.5).
- 5xx: ${s.status5xx}; transport errors: ${s.transportErrors}; rejections by code: ${errs}.
- Ledger check: ${s.ledgerCheck.ok ? 'OK' : 'FAILED'} (${s.ledgerCheck.violations} violations over ${s.ledgerCheck.accounts} accounts, ${s.ledgerCheck.transfers} transfers). Market invariants (escrow cache = ledger escrow per RC, sold = Σ unexpired RC max per counter): ${s.marketInvariants.violations.length} violations over ${s.marketInvariants.rcs} RCs.
- Artifacts: \`.bench/market/${s.startedAt}/\` (purchases.jsonl, jobs.jsonl, trades.jsonl, run_summary.json).

What limits it: the seed's volume (≈153 job applies/s) is out of reach here.
DynamoDB Local serialises transactions and shares the 2 cores with the gateway, the
harness and, during these runs, other test suites (load average 8–14); the raw two-item
loop itself measured 40–105/s across runs this session, against 170–450/s on an idle
machine. A job apply is one owner-index query plus one TransactWriteItems of about nine
items (ledger idempotency and transfer records, two entries, two balance shards, the RC
update, the job record, one detail record) where the raw loop writes two; the in-process
probe (\`npx tsx bench/market/probe.ts\`: same use case without HTTP) ran 19 applies/s while
the raw loop ran 40–78/s, so the HTTP layer is not the limit, the engine's transactional
work per item is. The first ~10 s of a run are purchases (every worker buys before it
applies jobs). Levers not pulled yet: fold the detail record into the job record for
single-RC jobs (one item fewer), and apply several completions of one user in one
transaction. The few listing rejections come from the harness's approximate view of an
RC's free SCU (jobs may have used them since): the server's 409 is the right answer.
`;
  writeFileSync(path, replaceSection(doc, '## Market load harness', body));
}

if (args.report) writeDoc(JSON.parse(readFileSync(resolve(args.report), 'utf8')) as Record<string, any>);
else await main();
