/**
 * `npm run bench:console`: the web console's first load on the local stack, in headless
 * Debian Chromium (playwright-core).
 *  1. bytes: the JS and CSS index.html loads, gzipped at build and as transferred (resource timing);
 *  2. time to the market view with data: navigation start → the market's rows rendered from
 *     GET /v1/whoami and GET /v1/futures/market (the page's own `market-ready` mark), cold
 *     (a fresh browser context each time: nothing cached) and warm (reloads: assets cached).
 * Options: --runs <n> (20 cold, as many warm). Writes the "## Console" section of docs/performance.md.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildConsole } from '../console/build.ts';
import { createKeyRoute } from '../functions/platform/api.ts';
import { providersLoadRoute } from '../functions/market/api.ts';
import { startLocalStack } from '../local/stack.ts';
import { VracuClient } from '../sdk/client.ts';
import { launchChromium } from '../test/browser/support/chromium.ts';
import { writeSection } from './support/performance-doc.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);

interface Sample {
  readyMs: number;
  transferBytes: number;
  encodedBytes: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))]!;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

const startedAt = new Date().toISOString();
const loadBefore = load();
const build = await buildConsole({ outDir: join(mkdtempSync(join(tmpdir(), 'vracu-console-bench-')), 'dist') });
const stack = await startLocalStack({ port: 0, memory: true, quiet: true, schedules: false, plugins: false, consoleDir: build.outDir });
const browser = await launchChromium();
try {
  const admin = new VracuClient({ baseUrl: stack.url, apiKey: stack.adminKey });
  await admin.call(providersLoadRoute, { body: {} });
  const buyer = (await admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'bench' } })).secret;
  // The key as a signed-in tab holds it; the page reads it at start.
  const signedIn = `sessionStorage.setItem('vracu.apiKey', ${JSON.stringify(buyer)})`;
  const measure = `(() => {
    const ready = performance.getEntriesByName('market-ready')[0];
    const files = performance.getEntriesByType('resource').filter((r) => /\\/assets\\/.*\\.(js|css)$/.test(r.name));
    return { readyMs: ready ? ready.startTime : -1, transferBytes: files.reduce((s, r) => s + r.transferSize, 0), encodedBytes: files.reduce((s, r) => s + r.encodedBodySize, 0) };
  })()`;

  const once = async (page: import('playwright-core').Page, reload: boolean): Promise<Sample> => {
    if (reload) await page.reload();
    else await page.goto(`${stack.url}/#/market`);
    await page.waitForSelector('[data-view=market][data-ready] [data-provider]', { timeout: 30_000 });
    return (await page.evaluate(measure)) as Sample;
  };

  // One unmeasured load: the first request of each handler module is a cold import.
  {
    const ctx = await browser.newContext();
    await ctx.addInitScript(signedIn);
    await once(await ctx.newPage(), false);
    await ctx.close();
  }
  const cold: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext();
    await ctx.addInitScript(signedIn);
    cold.push(await once(await ctx.newPage(), false));
    await ctx.close();
  }
  const warm: Sample[] = [];
  const ctx = await browser.newContext();
  await ctx.addInitScript(signedIn);
  const page = await ctx.newPage();
  await once(page, false);
  for (let i = 0; i < RUNS; i++) warm.push(await once(page, true));
  await ctx.close();

  const built = Object.fromEntries(build.firstLoad.map((f) => [f.path.endsWith('.js') ? 'js' : 'css', f]));
  const r = {
    startedAt,
    machine: { cpus: cpus().length, node: process.version, chromium: browser.version(), loadBefore, loadAfter: load() },
    built: { js: built.js!, css: built.css!, totalGzip: build.firstLoad.reduce((s, f) => s + f.gzipBytes, 0) },
    transferred: {
      cold: pct(
        cold.map((c) => c.transferBytes),
        0.5,
      ),
      encoded: pct(
        cold.map((c) => c.encodedBytes),
        0.5,
      ),
      warm: pct(
        warm.map((c) => c.transferBytes),
        0.5,
      ),
    },
    cold: {
      p50: pct(
        cold.map((c) => c.readyMs),
        0.5,
      ),
      p90: pct(
        cold.map((c) => c.readyMs),
        0.9,
      ),
      max: Math.max(...cold.map((c) => c.readyMs)),
    },
    warm: {
      p50: pct(
        warm.map((c) => c.readyMs),
        0.5,
      ),
      p90: pct(
        warm.map((c) => c.readyMs),
        0.9,
      ),
      max: Math.max(...warm.map((c) => c.readyMs)),
    },
  };
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  writeDoc(r);
  if (cold.some((c) => c.readyMs < 0)) throw new Error('the market-ready mark was missing in a run');
} finally {
  await browser.close();
  await stack.stop();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function writeDoc(r: Record<string, any>) {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const ms = (n: number) => `${Math.round(n)} ms`;
  const body = `
\`npm run bench:console\` (run ${r.startedAt}; ${r.machine.cpus} cores shared with DynamoDB Local and the SQS server; Node ${r.machine.node}; headless Chromium ${r.machine.chromium}; load average (1/5/15 min) ${r.machine.loadBefore} before, ${r.machine.loadAfter} after). The built console served by the local gateway on the API's origin, in memory, with the 13 fixture providers; a buyer's key already in the tab's session storage.

| measure | value | target |
|---|---|---|
| first load, JS + CSS gzipped (build: ${r.built.js.path} ${kb(r.built.js.gzipBytes)}, CSS ${kb(r.built.css.gzipBytes)}) | **${kb(r.built.totalGzip)}** | ≤ 150 KB |
| the same as transferred by Chromium (bodies ${kb(r.transferred.encoded)}, with headers) | ${kb(r.transferred.cold)} | |
| time to the market view with data, cold (fresh context, ${RUNS} runs): p50 / p90 / max | **${ms(r.cold.p50)}** / ${ms(r.cold.p90)} / ${ms(r.cold.max)} | p50 ≤ 1 s |
| the same, warm (reloads; assets from cache, ${kb(r.transferred.warm)} transferred): p50 / p90 / max | ${ms(r.warm.p50)} / ${ms(r.warm.p90)} / ${ms(r.warm.max)} | |

- "With data" is the page's \`market-ready\` mark: set after GET /v1/whoami and GET /v1/futures/market answered and the providers' rows were rendered; measured from navigation start (the mark's \`startTime\`).
- Uncompressed: JS ${kb(r.built.js.bytes)}, CSS ${kb(r.built.css.bytes)}. The bundle holds no zod: route modules are reduced to their ids, methods and paths at build time (console/build.ts); the largest parts are @noble/curves (the in-browser signature checks), uPlot and Preact.
`;
  writeSection('## Console', body);
}
