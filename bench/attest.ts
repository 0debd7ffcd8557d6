/**
 * Attestation verification (`npm run bench:attest`): time per verification of each kind of
 * evidence, in-process, with the certificate chain and collateral checks cached (what a warm
 * Lambda does for a provider it has seen) and uncached (every cache cleared before each
 * verification); then the bundle size and module-initialisation time of the Lambda-shaped
 * entries that import the verifiers (functions/privacy/attesters/handlers/), bundled with the
 * CDK's options (lib/bundling.ts) and imported by fresh `node` processes, as bench/cold.ts does.
 * Writes "## Attestation verifiers" in docs/performance.md (only that section) and prints it.
 *
 * Options: --runs N (cached iterations, default 300), --uncached N (default 30), --inits N
 * (imports per bundle, default 15), --no-write. Exit code 1 when a target is missed: cached p50
 * ≤ 5 ms per report; per bundle our code ≤ 300 KB and init median ≤ 150 ms.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, version as esbuildVersion } from 'esbuild';
import { REPO_ROOT, esbuildOptions } from '../lib/bundling.ts';
import { verify, type Evidence } from '../functions/privacy/attesters/verify.ts';
import { clearVerifierCaches } from '../functions/privacy/attesters/caches.ts';
import type { AttestationPolicy } from '../functions/privacy/attesters/verify.ts';

const SECTION = '## Attestation verifiers';
const DOC = join(REPO_ROOT, 'docs', 'performance.md');
const OUT_DIR = join(REPO_ROOT, '.bench', 'attest');
const TARGET_P50_MS = 5;
const TARGET_KB = 300;
const TARGET_INIT_MS = 150;

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '300' },
    uncached: { type: 'string', default: '30' },
    inits: { type: 'string', default: '15' },
    'no-write': { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
const UNCACHED = Number(opts.uncached);
const INITS = Number(opts.inits);

const F = (...p: string[]) => join(REPO_ROOT, 'test', 'fixtures', 'attestation', ...p);
const bytes = (...p: string[]) => new Uint8Array(readFileSync(F(...p)));
const hexFile = (...p: string[]) => new Uint8Array(Buffer.from(readFileSync(F(...p), 'utf8').trim(), 'hex'));

interface Case {
  name: string;
  evidence: Evidence;
  challenge: Uint8Array;
  policy: AttestationPolicy;
  atMs: number;
}

function cases(): Case[] {
  const snp = hexFile('sev-snp/virtee-sev/report_milan.hex');
  const tdx = bytes('tdx/phala-dcap-qvl/tdx_quote');
  const gpu = hexFile('nvidia/nvtrust-2023/attestationReport.txt');
  const rims = [
    { label: 'driver', xml: readFileSync(F('nvidia/nvtrust/Driver_RIM_test_no_gpu.swidtag'), 'utf8') },
    { label: 'vbios', xml: readFileSync(F('nvidia/nvtrust/1010_0200_882_96005E0001_test_no_gpu.swidtag'), 'utf8') },
  ];
  const gpuChain = readFileSync(F('nvidia/nvtrust-2023/gpuAkCertChain.txt'), 'utf8');
  const gpuNonce = new Uint8Array(Buffer.from('4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e', 'hex'));
  return [
    {
      name: 'SEV-SNP (Milan report, VCEK → pinned ASK → ARK)',
      evidence: { kind: 'snp', report: snp, certificates: [bytes('sev-snp/virtee-sev/vcek_milan.der')] },
      challenge: snp.slice(0x50, 0x90),
      policy: {},
      atMs: Date.parse('2026-06-01T00:00:00Z'),
    },
    {
      name: 'TDX (v4 quote, PCK chain, CRLs, TCB info + QE identity)',
      evidence: { kind: 'tdx', quote: tdx, collateral: JSON.parse(readFileSync(F('tdx/phala-dcap-qvl/tdx_quote_collateral.json'), 'utf8')) },
      challenge: tdx.slice(568, 632),
      policy: {},
      atMs: Date.parse('2025-06-19T11:16:03Z'),
    },
    {
      name: 'NVIDIA H100 (SPDM, 5-cert chain, driver + VBIOS RIMs)',
      evidence: { kind: 'nvidia', report: gpu, certificates: [gpuChain], references: { rims } },
      challenge: gpuNonce,
      policy: {},
      atMs: Date.parse('2025-01-01T00:00:00Z'),
    },
    {
      name: 'NVIDIA H100 (SPDM and chain, configured reference values: none)',
      evidence: { kind: 'nvidia', report: gpu, certificates: [gpuChain] },
      challenge: gpuNonce,
      policy: { nvidia: { requireReferenceValues: false } },
      atMs: Date.parse('2025-01-01T00:00:00Z'),
    },
  ];
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const median = (xs: number[]) =>
  q(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

function time(c: Case, n: number, cold: boolean): { p50: number; p99: number } {
  const clock = { nowMs: () => c.atMs };
  const first = verify(c.evidence, c.challenge, c.policy, clock);
  if (!first.valid) throw new Error(`${c.name}: the bench evidence does not verify (${first.code}: ${first.error})`);
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (cold) clearVerifierCaches();
    const t0 = performance.now();
    const v = verify(c.evidence, c.challenge, c.policy, clock);
    ts.push(performance.now() - t0);
    if (!v.valid) throw new Error(`${c.name}: run ${i} did not verify`);
  }
  ts.sort((a, b) => a - b);
  return { p50: q(ts, 0.5), p99: q(ts, 0.99) };
}

const MEASURE = `
const t0 = performance.now();
const mod = await import(process.argv[2]);
const t1 = performance.now();
if (typeof mod.handler !== 'function') { console.error('no handler'); process.exit(2); }
process.stdout.write(JSON.stringify({ initMs: t1 - t0 }));
`;

function importOnce(script: string, bundle: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, pathToFileURL(bundle).href], {
      env: { PATH: process.env.PATH, NODE_OPTIONS: '--enable-source-maps', AWS_REGION: 'us-east-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve((JSON.parse(out) as { initMs: number }).initMs) : reject(new Error(err || `exit ${code}`))));
  });
}

const ENTRIES = [
  ['verify-evidence', 'all three verifiers'],
  ['verify-snp', 'SEV-SNP only'],
  ['verify-tdx', 'TDX only'],
  ['verify-nvidia', 'NVIDIA only'],
] as const;

async function bundles(): Promise<{ id: string; what: string; kb: number; initMs: number; initP90: number }[]> {
  mkdirSync(OUT_DIR, { recursive: true });
  const script = join(OUT_DIR, 'measure.mjs');
  writeFileSync(script, MEASURE);
  const built = [];
  for (const [id, what] of ENTRIES) {
    const file = join(OUT_DIR, id, 'index.mjs');
    rmSync(join(file, '..'), { recursive: true, force: true });
    await build(esbuildOptions(`functions/privacy/attesters/handlers/${id}.ts`, file, true));
    built.push({ id, what, file, kb: statSync(file).size / 1024, times: [] as number[] });
  }
  for (let r = 0; r < INITS; r++) for (const b of built) b.times.push(await importOnce(script, b.file));
  return built.map((b) => ({
    id: b.id,
    what: b.what,
    kb: b.kb,
    initMs: median(b.times),
    initP90: q(
      [...b.times].sort((x, y) => x - y),
      0.9,
    ),
  }));
}

async function main(): Promise<void> {
  const rows = cases().map((c) => ({ c, warm: time(c, RUNS, false), cold: time(c, UNCACHED, true) }));
  const b = await bundles();
  const f = (n: number, d = 2) => n.toFixed(d);
  const ok = (x: boolean) => (x ? 'met' : '**missed**');
  const lines = [
    SECTION,
    '',
    `Measured by \`npm run bench:attest\` (bench/attest.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, esbuild ${esbuildVersion},` +
      ` ${availableParallelism()} × ${cpus()[0]?.model.trim() ?? 'CPU'}, load average ${loadavg()[0]!.toFixed(2)} (1 min) at the end of the run; other work shared the machine.` +
      ' Evidence: the public vectors in test/fixtures/attestation, each verified at its pinned clock. "Cached": the same evidence verified again in a warm process' +
      ' (parsed certificates, certificate signatures, CRLs, RIM signatures and the TCB answer of a platform are cached; the report signature, the binding and the' +
      ' policy are checked every time). "Uncached": every verifier cache cleared before each verification.',
    '',
    `| Evidence | cached p50 ms | cached p99 ms | uncached p50 ms | uncached p99 ms | target (cached p50 ≤ ${TARGET_P50_MS} ms) |`,
    '|---|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) => `| ${r.c.name} | ${f(r.warm.p50)} | ${f(r.warm.p99)} | ${f(r.cold.p50, 1)} | ${f(r.cold.p99, 1)} | ${ok(r.warm.p50 <= TARGET_P50_MS)} |`,
    ),
    '',
    `${RUNS} cached and ${UNCACHED} uncached verifications per row. Bundles: the Lambda-shaped entries in functions/privacy/attesters/handlers/, bundled with lib/bundling.ts` +
      ` (no AWS SDK is imported, so "our code" is the whole bundle); init is the median (p90) of ${INITS} fresh \`node\` processes importing the bundle.`,
    '',
    `| Entry | holds | bundle KB | init median ms | init p90 ms | targets (≤ ${TARGET_KB} KB, init ≤ ${TARGET_INIT_MS} ms) |`,
    '|---|---|---:|---:|---:|---|',
    ...b.map(
      (x) =>
        `| ${x.id} | ${x.what} | ${f(x.kb, 0)} | ${f(x.initMs, 0)} | ${f(x.initP90, 0)} | ${x.kb <= TARGET_KB && x.initMs <= TARGET_INIT_MS ? 'met' : `**missed** (${[x.kb > TARGET_KB ? `size +${f(x.kb - TARGET_KB, 0)} KB` : '', x.initMs > TARGET_INIT_MS ? `init +${f(x.initMs - TARGET_INIT_MS, 0)} ms` : ''].filter(Boolean).join(', ')})`} |`,
    ),
  ];
  const markdown = lines.join('\n');
  process.stdout.write(`${markdown}\n`);
  if (!opts['no-write']) writeSection(markdown);
  if (rows.some((r) => r.warm.p50 > TARGET_P50_MS) || b.some((x) => x.kb > TARGET_KB || x.initMs > TARGET_INIT_MS)) process.exitCode = 1;
}

/** Replaces this section (heading to the next `## `), keeping a `### ` subsection written by hand. */
function writeSection(generated: string): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Performance\n';
  const start = doc.indexOf(`${SECTION}\n`);
  if (start < 0) return writeFileSync(DOC, `${doc.trimEnd()}\n\n${generated}\n`);
  const rest = doc.slice(start + SECTION.length + 1);
  const next = rest.search(/^## /m);
  const body = next >= 0 ? rest.slice(0, next) : rest;
  const kept = body.indexOf('### ') >= 0 ? `\n${body.slice(body.indexOf('### ')).trimEnd()}\n` : '';
  const after = next >= 0 ? `\n${rest.slice(next)}` : '';
  writeFileSync(DOC, `${doc.slice(0, start)}${generated}\n${kept}${after}`);
  process.stderr.write(`wrote ${DOC}\n`);
}

await main();
