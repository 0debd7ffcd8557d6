/**
 * The sidecar as the job image runs it (sidecar/Dockerfile, same esbuild flags): one bundle of
 * sidecar/main.ts, built once per process from the current sources. Started through the
 * TypeScript loader a sidecar took ≈ 0.5 s and 0.6 CPU-s; the bundle starts in ≈ 0.1 s, which
 * on a two-core machine decides whether the pool's agents run jobs or wait on sidecars
 * (docs/performance.md, "## Providers").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SIDECAR_MAIN = fileURLToPath(new URL('../../sidecar/main.ts', import.meta.url));

let built: Promise<string> | undefined;

/** The bundle's path; the first call builds it (≈ 100 ms), later calls share that build. */
export function sidecarBundle(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-sidecar-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'sidecar.mjs');
    await build({ entryPoints: [SIDECAR_MAIN], bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node22', outfile, logLevel: 'silent' });
    return outfile;
  })();
  // A failed build is not remembered: the next launch tries again.
  built.catch(() => {
    built = undefined;
  });
  return built;
}
