/**
 * `npm run bench`: every benchmark in turn, each writing its section of
 * docs/performance.md. Arguments after `--` go to every benchmark (for example
 * `npm run bench -- --duration 60`). A failing benchmark is reported and the rest still run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const benches = Object.keys(scripts).filter((s) => s.startsWith('bench:'));
const passThrough = process.argv.slice(2);

const results: { name: string; status: number | null; seconds: number }[] = [];
for (const name of benches) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const r = spawnSync('npm', ['run', '-s', name, ...(passThrough.length ? ['--', ...passThrough] : [])], { cwd: ROOT, stdio: 'inherit' });
  results.push({ name, status: r.status, seconds: (Date.now() - started) / 1000 });
}
process.stdout.write('\nSummary (reports in docs/performance.md):\n');
for (const r of results) process.stdout.write(`  ${r.status === 0 ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(16)} ${r.seconds.toFixed(1)} s\n`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
