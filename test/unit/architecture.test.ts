/**
 * The design's boundaries, checked on the source (one test for all of them):
 * - every bounded context has the same skeleton (domain, usecases, store, drivers, handlers,
 *   api.ts, views.ts, deps.ts, index.ts, errors.ts, config.ts);
 * - domain code is pure: no AWS SDK, no environment, no wall clock, no randomness, no
 *   adapters, no HTTP-aware errors (it returns facts; use cases map them);
 * - use cases compose named writes: no AWS SDK and no DynamoDB expression strings (stores own them);
 * - handlers and use cases reach another context only through its index.ts (handlers reach
 *   no other context's store); only the composition folder functions/api/ sees every context;
 * - the leaf layers (definitions/, platform/, events/) import no context;
 * - no file imports another in a circle;
 * - every error code is defined once and answered somewhere;
 * - Lambda code imports zod as a namespace and carries no secp256k1 arithmetic it never runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_ERRORS, ERROR_STATUS } from '../../functions/api/errors.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FUNCTIONS = join(ROOT, 'functions');
const LEAVES = ['definitions', 'platform', 'events'];
/** Folders of functions/ that are not bounded contexts: leaf data, the shared platform, the composition root. */
const NOT_CONTEXTS = new Set(['definitions', 'platform', 'api']);

function files(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const rel = (f: string) => relative(ROOT, f);
/** The source without comments, so a comment that names a rule does not break it. */
const code = (f: string) =>
  readFileSync(f, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
/** Relative imports of a file, resolved to repository paths. */
function importsOf(f: string): string[] {
  const out: string[] = [];
  for (const m of code(f).matchAll(/(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'|import\s*\(\s*'(\.[^']+)'\s*\)|^import\s+'(\.[^']+)'/gm)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec) out.push(rel(resolve(dirname(f), spec)));
  }
  return out;
}

const contexts = readdirSync(FUNCTIONS).filter((d) => statSync(join(FUNCTIONS, d)).isDirectory() && !NOT_CONTEXTS.has(d));
const contextOf = (path: string): string | undefined => /^functions\/([^/]+)\//.exec(path)?.[1];
const allFunctions = files(FUNCTIONS);
const inLayer = (layer: string) => allFunctions.filter((f) => rel(f).split('/').includes(layer));

describe('every context has the skeleton', () => {
  const ALLOWED = new Set(['domain', 'usecases', 'store', 'drivers', 'handlers', 'api.ts', 'views.ts', 'deps.ts', 'index.ts', 'errors.ts', 'config.ts']);
  // The attesters are a library of verifiers inside privacy; the context's own skeleton lands with its first use case.
  const EXEMPT: Record<string, string[]> = { privacy: ['attesters'] };
  it('there are contexts to check', () => expect(contexts.length).toBeGreaterThanOrEqual(4));
  it.each(contexts)('functions/%s holds only the skeleton', (ctx) => {
    const odd = readdirSync(join(FUNCTIONS, ctx)).filter((n) => !ALLOWED.has(n) && !(EXEMPT[ctx] ?? []).includes(n));
    expect(odd).toEqual([]);
  });
  it.each(contexts.filter((c) => readdirSync(join(FUNCTIONS, c)).includes('handlers')))(
    'functions/%s, which has handlers, has its deps.ts and api.ts',
    (ctx) => {
      const names = readdirSync(join(FUNCTIONS, ctx));
      expect(names).toEqual(expect.arrayContaining(['deps.ts']));
    },
  );
});

describe('domain code is pure', () => {
  const domainFiles = inLayer('domain');
  const FORBIDDEN: [RegExp, string][] = [
    [/from ['"]@aws-sdk\//, 'imports the AWS SDK'],
    [/from ['"]@aws-lambda-powertools\//, 'imports Powertools'],
    [/process\.env/, 'reads the environment'],
    [/Date\.now\(\)|new Date\(\)/, 'reads the wall clock'],
    [/Math\.random\(\)/, 'uses unseeded randomness'],
    [/from ['"][^'"]*\/(store|drivers|handlers|usecases)\//, 'imports a store, driver, handler or use case'],
    [/from ['"][^'"]*\/(runtime|compose)\.ts['"]/, 'imports the runtime'],
    [/\bAppError\b|from ['"][^'"]*\/platform\/http\//, 'speaks HTTP (domains return facts; use cases map them)'],
  ];
  it('there is domain code to check', () => expect(domainFiles.length).toBeGreaterThan(20));
  it.each(domainFiles.map((f) => [rel(f), f]))('%s', (_rel, file) => {
    const src = code(file);
    expect(FORBIDDEN.filter(([rx]) => rx.test(src)).map(([, why]) => why)).toEqual([]);
  });
});

describe('use cases compose named writes; stores own the expressions', () => {
  const usecaseFiles = inLayer('usecases');
  const EXPRESSION = /\b(Condition|Update|KeyCondition|Filter|Projection)Expression\b|attribute_(not_)?exists\s*\(|begins_with\s*\(|if_not_exists\s*\(/;
  it('there are use cases to check', () => expect(usecaseFiles.length).toBeGreaterThan(15));
  it.each(usecaseFiles.map((f) => [rel(f), f]))('%s', (_rel, file) => {
    const src = code(file);
    expect({ sdk: /from ['"]@aws-sdk\//.test(src), expressions: EXPRESSION.exec(src)?.[0] ?? null }).toEqual({ sdk: false, expressions: null });
  });
});

describe('contexts meet only through index.ts', () => {
  const own = allFunctions.filter((f) => contextOf(rel(f)) && !NOT_CONTEXTS.has(contextOf(rel(f))!));
  it.each(own.map((f) => [rel(f), f]))('%s', (path, file) => {
    const me = contextOf(path)!;
    const crossing = importsOf(file).filter((i) => {
      const other = contextOf(i);
      return other !== undefined && other !== me && !NOT_CONTEXTS.has(other) && i !== `functions/${other}/index.ts`;
    });
    expect(crossing).toEqual([]);
  });
});

describe('leaf layers import no context', () => {
  const leafFiles = [...LEAVES.filter((l) => l !== 'events').flatMap((l) => files(join(FUNCTIONS, l))), ...files(join(ROOT, 'events'))];
  it.each(leafFiles.map((f) => [rel(f), f]))('%s', (_rel, file) => {
    const into = importsOf(file).filter((i) => {
      const c = contextOf(i);
      return c !== undefined && !LEAVES.includes(c);
    });
    expect(into).toEqual([]);
  });
});

describe('no import circles', () => {
  it('the import graph of functions/, events/, local/, sdk/, sidecar/, lib/ and bin/ has no cycle', () => {
    const roots = ['functions', 'events', 'local', 'sdk', 'sidecar', 'lib', 'bin', 'contracts'];
    const graph = new Map<string, string[]>();
    for (const r of roots) {
      let fs: string[] = [];
      try {
        fs = files(join(ROOT, r));
      } catch {
        continue;
      }
      for (const f of fs) graph.set(rel(f), importsOf(f));
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'open') {
        cycles.push([...path.slice(path.indexOf(n)), n].join(' -> '));
        return;
      }
      state.set(n, 'open');
      for (const m of graph.get(n) ?? []) if (graph.has(m)) visit(m, [...path, n]);
      state.set(n, 'done');
    };
    for (const n of graph.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });
});

describe('error codes', () => {
  it('no code is defined by two tables', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [ctx, table] of Object.entries(CONTEXT_ERRORS)) {
      for (const c of Object.keys(table)) {
        if (seen.has(c)) twice.push(`${c} (${seen.get(c)}, ${ctx})`);
        seen.set(c, ctx);
      }
    }
    expect(twice).toEqual([]);
  });
  it('every code is answered somewhere (codes nothing throws are removed)', () => {
    const sources = [...allFunctions, ...files(join(ROOT, 'local'))].map((f) => readFileSync(f, 'utf8')).join('\n');
    const tables = new Set(['functions/platform/errors.ts', 'functions/api/errors.ts', ...contexts.map((c) => `functions/${c}/errors.ts`)]);
    const withoutTables = [...allFunctions, ...files(join(ROOT, 'local'))]
      .filter((f) => !tables.has(rel(f)))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(sources.length).toBeGreaterThan(0);
    expect(Object.keys(ERROR_STATUS).filter((c) => !withoutTables.includes(`'${c}'`))).toEqual([]);
  });
});

describe('Lambda code imports zod as a namespace', () => {
  // `import { z } from 'zod'` makes esbuild keep all of zod's locales (≈355 KB per bundle;
  // docs/performance.md); `import * as z from 'zod'` is the same API without them.
  const lambdaFiles = [...allFunctions, ...files(join(ROOT, 'events'))];
  it.each(lambdaFiles.map((f) => [rel(f), f]))('%s', (_rel, file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/import\s+(type\s+)?\{[^}]*\bz\b[^}]*\}\s+from\s+['"]zod['"]/);
  });
});

describe('Lambda code carries no secp256k1 arithmetic it does not run', () => {
  // Signing in Lambda is KMS; the key-file signer is given by the local stack and
  // verification is for clients. Keeping them out of functions/' import graph keeps
  // @noble/curves out of every bundle (docs/performance.md).
  const lambdaFiles = allFunctions.map(rel);
  const ALLOWED = ['functions/jobs/drivers/key-file-signer.ts', 'functions/jobs/domain/verify.ts'];
  it('only the key-file signer and the verifier import @noble/curves', () => {
    const importers = lambdaFiles.filter((f) => /from ['"]@noble\/curves/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(importers.sort()).toEqual([...ALLOWED].sort());
  });
  it('no Lambda code imports them', () => {
    const importers = lambdaFiles.filter((f) => /from ['"][^'"]*(drivers\/key-file-signer|domain\/verify)\.ts['"]/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(importers).toEqual([]);
  });
});
