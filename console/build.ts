/**
 * Builds the web console into static files: `console/dist/index.html` and hashed
 * `assets/*.js|css` (plus `.gz` twins the local server sends as they are). Run by
 * `npm start` and `npm run build:console`, and by `cdk synth` for the S3 deployment;
 * the browser tests and the bench call `buildConsole` themselves.
 *
 * Route values without zod: the console imports its routes from the contexts' `api.ts`
 * (so request and response types come from the route table), but in the bundle each of
 * those modules is replaced by its routes' `{id, method, path, access}`, computed here from
 * the real modules. The client needs nothing else at run time, and the bundle carries no
 * schemas. A console file that imports anything else from an `api.ts` fails the build
 * ("No matching export").
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST = join(HERE, 'dist');

export interface BuiltFile {
  /** Path under the output directory, `/`-separated. */
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface ConsoleBuild {
  outDir: string;
  files: BuiltFile[];
  /** The JS and CSS that index.html loads (first load). */
  firstLoad: BuiltFile[];
}

export interface BuildOptions {
  outDir?: string;
  minify?: boolean;
  /** Write `.gz` twins for the local server (default true; CloudFront compresses itself). */
  gzip?: boolean;
}

/** The fields of a route the typed client reads at run time (sdk/client.ts `call`). */
const RUNTIME_ROUTE_FIELDS = ['id', 'method', 'path', 'access', 'idempotent'] as const;

const isRoute = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { id?: unknown }).id === 'string' &&
  typeof (v as { path?: unknown }).path === 'string' &&
  'method' in v &&
  'entry' in v;

const pick = (r: Record<string, unknown>) => Object.fromEntries(RUNTIME_ROUTE_FIELDS.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));

/** Replaces each `functions/<context>/api.ts` with its routes' run-time fields. */
const routeValues: Plugin = {
  name: 'vracu-route-values',
  setup(b) {
    b.onLoad({ filter: /[\\/]functions[\\/][^\\/]+[\\/]api\.ts$/ }, async (args) => {
      const mod = (await import(pathToFileURL(args.path).href)) as Record<string, unknown>;
      const lines: string[] = [];
      for (const [name, value] of Object.entries(mod)) {
        if (isRoute(value)) lines.push(`export const ${name} = ${JSON.stringify(pick(value))};`);
        else if (Array.isArray(value) && value.length > 0 && value.every(isRoute)) lines.push(`export const ${name} = ${JSON.stringify(value.map(pick))};`);
      }
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

function page(js: string, css: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>VR-ACU console</title>',
    `<link rel="stylesheet" href="/${css}">`,
    `<script type="module" src="/${js}"></script>`,
    '</head>',
    '<body><div id="app"><noscript>The VR-ACU console needs JavaScript.</noscript></div></body>',
    '</html>',
    '',
  ].join('\n');
}

/** Bundles console/src into `outDir` (default console/dist), replacing what was there. */
export async function buildConsole(opts: BuildOptions = {}): Promise<ConsoleBuild> {
  const outDir = opts.outDir ?? CONSOLE_DIST;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: [join(HERE, 'src', 'main.tsx')],
    outdir: join(outDir, 'assets'),
    entryNames: 'console-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome120', 'firefox120', 'safari17'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: opts.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [routeValues],
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => relative(outDir, p).split('\\').join('/'));
  const js = outputs.find((p) => p.endsWith('.js'));
  const css = outputs.find((p) => p.endsWith('.css'));
  if (!js || !css) throw new Error(`console build made no ${js ? 'CSS' : 'JS'} bundle`);
  writeFileSync(join(outDir, 'index.html'), page(js, css));
  const files: BuiltFile[] = [];
  for (const path of ['index.html', ...outputs]) {
    const bytes = readFileSync(join(outDir, path));
    const gz = gzipSync(bytes, { level: 9 });
    if (opts.gzip !== false && /\.(js|css|html|svg|txt|map)$/.test(path)) writeFileSync(join(outDir, `${path}.gz`), gz);
    files.push({ path, bytes: bytes.length, gzipBytes: gz.length });
  }
  return { outDir, files, firstLoad: files.filter((f) => f.path === js || f.path === css) };
}

if (process.argv[1] && basename(process.argv[1]) === 'build.ts' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // --out <dir>: where CDK's asset bundling wants the files (lib/constructs/console-site.ts).
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-gzip': { type: 'boolean', default: false } } });
  const out = await buildConsole({ ...(values.out ? { outDir: values.out } : {}), gzip: !values['no-gzip'] });
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const first = out.firstLoad.reduce((s, f) => s + f.gzipBytes, 0);
  process.stdout.write(
    `console built into ${relative(process.cwd(), out.outDir) || '.'}: first load ${kb(first)} gzipped (${out.firstLoad.map((f) => `${f.path} ${kb(f.gzipBytes)}`).join(', ')})\n`,
  );
}
