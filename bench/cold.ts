/**
 * Cold start and bundle size of every Lambda function (`npm run bench:cold`).
 *
 * Bundles each entry the definitions name (routes, authorizer, queue consumers,
 * schedules: lib/lambdas.ts) with the esbuild options the CDK construct uses
 * (lib/bundling.ts), reports the minified size, and the module-initialisation time: the
 * median over fresh `node` processes of the time `import()` of the bundle takes, with
 * the function's environment set. Imports go round-robin over all bundles. Writes the table to docs/performance.md under
 * "## Cold start and bundle size" (only that section is replaced) and prints it.
 *
 * Options: --runs N (default 20), --only id,id, --compare-sdk (also time the bundles
 * with the AWS SDK left external), --no-write.
 * Exit code 1 when a target is missed: our code (bundled without the AWS SDK) > 300 KB,
 * or the deployed bundle's init median > 150 ms.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, version as esbuildVersion } from 'esbuild';
import { BUNDLE_AWS_SDK, REPO_ROOT, entryPath, esbuildOptions } from '../lib/bundling.ts';
import { baseEnvironment, lambdaDefs, type LambdaDef } from '../lib/lambdas.ts';
import { platformEnvironment } from '../functions/definitions/environment.ts';

const TARGET_BUNDLE_KB = 300;
const TARGET_INIT_MS = 150;
const SECTION = '## Cold start and bundle size';
const OUT_DIR = join(REPO_ROOT, '.bench', 'cold');
const DOC = join(REPO_ROOT, 'docs', 'performance.md');
const STAGE = 'dev';
const PREFIX = `vracu-${STAGE}`;

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    only: { type: 'string' },
    'compare-sdk': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');

interface Variant {
  sizeKb: number;
  initMedianMs?: number;
  initP90Ms?: number;
  error?: string;
}
interface Row {
  def: LambdaDef;
  missing: boolean;
  /** What is deployed (BUNDLE_AWS_SDK decides whether it holds the SDK). */
  chosen?: Variant;
  /** The other SDK choice (size always; init with --compare-sdk). */
  other?: Variant;
}

/** Our code and our dependencies, without the AWS SDK: what the size target is about. */
const ownKb = (r: Row): number | undefined => (BUNDLE_AWS_SDK ? r.other?.sizeKb : r.chosen?.sizeKb);

/** Imports the bundle given as argv[2] and prints how long the import took. */
const MEASURE_SCRIPT = `
const t0 = performance.now();
const mod = await import(process.argv[2]);
const t1 = performance.now();
if (typeof mod.handler !== 'function') { console.error('the bundle exports no handler function'); process.exit(2); }
process.stdout.write(JSON.stringify({ initMs: t1 - t0 }));
`;

function functionEnv(def: LambdaDef): NodeJS.ProcessEnv {
  const { NODE_OPTIONS, ...base } = baseEnvironment(def, STAGE, PREFIX);
  return {
    PATH: process.env.PATH,
    ...base,
    NODE_OPTIONS,
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: `${PREFIX}-${def.id}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(def.memoryMb ?? 512),
    ...platformEnvironment({
      stage: STAGE,
      tablePrefix: PREFIX,
      queueUrls: JSON.stringify({ jobSteps: 'https://sqs.us-east-1.amazonaws.com/111111111111/vracu-dev-job-steps' }),
      eventBus: `${PREFIX}-domain`,
    }),
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

function runOnce(script: string, bundle: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, pathToFileURL(bundle).href], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(err.trim().split('\n').slice(-3).join(' ') || `exit ${code}`));
      try {
        resolve((JSON.parse(out) as { initMs: number }).initMs);
      } catch {
        reject(new Error(`unexpected output: ${out.slice(0, 200)}`));
      }
    });
  });
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function bundle(def: LambdaDef, externalSdk: boolean): Promise<{ file: string; sizeKb: number }> {
  const file = join(OUT_DIR, `${def.id}${externalSdk ? '.sdk-external' : ''}`, 'index.mjs');
  rmSync(join(file, '..'), { recursive: true, force: true });
  await build(esbuildOptions(def.entry, file, externalSdk));
  return { file, sizeKb: statSync(file).size / 1024 };
}

/** One bundle to time: its rows' variant, where the times go. */
interface Timed {
  def: LambdaDef;
  file: string;
  target: Variant;
  times: number[];
}

/**
 * Times every bundle RUNS times, round-robin (one import of each bundle per round), so a
 * slow stretch of a shared machine spreads over all functions instead of hitting the few
 * that happened to be measured during it.
 */
async function measureAll(timed: Timed[], script: string): Promise<void> {
  for (let round = 1; round <= RUNS; round++) {
    for (const t of timed) {
      if (t.target.error) continue;
      try {
        t.times.push(await runOnce(script, t.file, functionEnv(t.def)));
      } catch (e) {
        t.target.error = (e as Error).message;
      }
    }
    process.stderr.write(`round ${round}/${RUNS}: ${timed.length} imports\n`);
  }
  for (const t of timed) {
    if (t.target.error || t.times.length === 0) continue;
    t.target.initMedianMs = median(t.times);
    t.target.initP90Ms = quantile(
      [...t.times].sort((a, b) => a - b),
      0.9,
    );
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const script = join(OUT_DIR, 'measure.mjs');
  writeFileSync(script, MEASURE_SCRIPT);
  const only = opts.only ? new Set(opts.only.split(',')) : undefined;
  const defs = lambdaDefs().filter((d) => !only || only.has(d.id));
  const chosenExternal = !BUNDLE_AWS_SDK;

  const rows: Row[] = [];
  const timed: Timed[] = [];
  for (const def of defs) {
    if (!existsSync(entryPath(def.entry))) {
      rows.push({ def, missing: true });
      process.stderr.write(`${def.id}: missing (${def.entry})\n`);
      continue;
    }
    const row: Row = { def, missing: false };
    try {
      const chosen = await bundle(def, chosenExternal);
      const other = await bundle(def, !chosenExternal);
      row.chosen = { sizeKb: chosen.sizeKb };
      row.other = { sizeKb: other.sizeKb };
      timed.push({ def, file: chosen.file, target: row.chosen, times: [] });
      if (opts['compare-sdk']) timed.push({ def, file: other.file, target: row.other, times: [] });
    } catch (e) {
      row.chosen = { sizeKb: NaN, error: (e as Error).message.split('\n')[0] };
    }
    rows.push(row);
    process.stderr.write(`${def.id}: ${fmt(row.chosen?.sizeKb)} KB${row.chosen?.error ? ` (${row.chosen.error})` : ''}\n`);
  }
  await measureAll(timed, script);

  const markdown = render(rows);
  process.stdout.write(`\n${markdown}\n`);
  if (!opts['no-write']) writeSection(markdown);
  if (rows.some((r) => !r.missing && !meetsTargets(r))) process.exitCode = 1;
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));

/** Size: our code (SDK external) ≤ 300 KB. Init: the deployed bundle ≤ 150 ms. */
function meetsTargets(r: Row): boolean {
  const v = r.chosen;
  return !!v && !v.error && (ownKb(r) ?? Infinity) <= TARGET_BUNDLE_KB && (v.initMedianMs ?? Infinity) <= TARGET_INIT_MS;
}

function render(rows: Row[]): string {
  const measured = rows.filter((r) => r.chosen && !r.chosen.error);
  const sdk = BUNDLE_AWS_SDK ? 'bundled' : 'external';
  const compare = opts['compare-sdk'] && BUNDLE_AWS_SDK;
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    SECTION,
    '',
    `Measured by \`npm run bench:cold\` (bench/cold.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version},` +
      ` esbuild ${esbuildVersion}, ${availableParallelism()} × ${cpu}, load average ${loadavg()[0]!.toFixed(1)} at the end of the run` +
      ' (other work shared the machine: compare rows of one run, not runs).' +
      ' Bundles use lib/bundling.ts, the options the CDK construct bundles with (ESM, minified, external source map);' +
      ` the deployed bundle has the AWS SDK v3 **${sdk}** (\`BUNDLE_AWS_SDK\`). Init is the median (and p90) of ${RUNS} fresh` +
      " `node` processes timing `import()` of the bundle with the function's environment and `NODE_OPTIONS=--enable-source-maps`," +
      ' taken round-robin over all bundles so a slow stretch of the machine is shared by every row.',
    '',
    `Targets: our code (bundled without the AWS SDK) ≤ ${TARGET_BUNDLE_KB} KB; init median of the deployed bundle ≤ ${TARGET_INIT_MS} ms.`,
    '',
    `| Function | Kind | Our code KB (SDK external) | Deployed KB (SDK ${sdk}) | Init median ms | Init p90 ms |${compare ? ' Init median ms, SDK external |' : ''} Targets |`,
    `|---|---|---:|---:|---:|---:|${compare ? '---:|' : ''}---|`,
  ];
  for (const r of rows) {
    if (r.missing) {
      lines.push(`| ${r.def.id} | ${r.def.kind} | – | – | – | – |${compare ? ' – |' : ''} missing: \`${r.def.entry}\` |`);
      continue;
    }
    const c = r.chosen!;
    const verdict = c.error ? `error: ${c.error.replace(/\|/g, '\\|').slice(0, 120)}` : meetsTargets(r) ? 'met' : missed(r);
    lines.push(
      `| ${r.def.id} | ${r.def.kind} | ${fmt(ownKb(r))} | ${fmt(c.sizeKb)} | ${fmt(c.initMedianMs)} | ${fmt(c.initP90Ms)} |${compare ? ` ${fmt(r.other?.initMedianMs)} |` : ''} ${verdict} |`,
    );
  }
  const own = measured.flatMap((r) => (ownKb(r) === undefined ? [] : [ownKb(r)!]));
  const deployed = measured.map((r) => r.chosen!.sizeKb);
  const inits = measured.flatMap((r) => (r.chosen!.initMedianMs === undefined ? [] : [r.chosen!.initMedianMs]));
  const otherInits = measured.flatMap((r) => (r.other?.initMedianMs === undefined ? [] : [r.other.initMedianMs]));
  lines.push(
    '',
    `${rows.length} functions: ${measured.length} measured, ${rows.filter((r) => r.missing).length} missing,` +
      ` ${measured.filter(meetsTargets).length} within both targets.` +
      (own.length
        ? ` Our code: median ${fmt(median(own))} KB (max ${fmt(Math.max(...own))}). Deployed: median ${fmt(median(deployed))} KB` +
          ` (max ${fmt(Math.max(...deployed))}). Init: median of medians ${fmt(median(inits))} ms (max ${fmt(Math.max(...inits))})` +
          (otherInits.length ? `; with the SDK external ${fmt(median(otherInits))} ms (max ${fmt(Math.max(...otherInits))}).` : '.')
        : ''),
  );
  return lines.join('\n');
}

function missed(r: Row): string {
  const v = r.chosen!;
  const out: string[] = [];
  if ((ownKb(r) ?? Infinity) > TARGET_BUNDLE_KB) out.push(`size +${fmt((ownKb(r) ?? NaN) - TARGET_BUNDLE_KB)} KB`);
  if ((v.initMedianMs ?? Infinity) > TARGET_INIT_MS) out.push(`init +${fmt((v.initMedianMs ?? NaN) - TARGET_INIT_MS)} ms`);
  return `missed (${out.join(', ')})`;
}

/**
 * Replaces the section from its heading to the next `## ` heading; keeps a trailing
 * `### AWS SDK: bundled or external` subsection written by hand (the decision).
 */
function writeSection(generated: string): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Performance\n';
  const start = doc.indexOf(`${SECTION}\n`);
  let before = doc;
  let after = '';
  let kept = '';
  if (start >= 0) {
    before = doc.slice(0, start);
    const rest = doc.slice(start + SECTION.length + 1);
    const next = rest.search(/^## /m);
    const body = next >= 0 ? rest.slice(0, next) : rest;
    after = next >= 0 ? rest.slice(next) : '';
    const decision = body.indexOf('### ');
    if (decision >= 0) kept = body.slice(decision).trimEnd() + '\n';
  }
  const section = `${generated}\n${kept ? `\n${kept}` : ''}`;
  const out = `${before.trimEnd()}\n\n${section}${after ? `\n${after}` : ''}`;
  writeFileSync(DOC, out.endsWith('\n') ? out : `${out}\n`);
  process.stderr.write(`wrote ${DOC}\n`);
}

await main();
