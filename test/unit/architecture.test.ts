/**
 * The design's boundaries, checked: domain code is pure (no AWS SDK, no environment, no
 * wall clock, no adapters), and handlers do not reach into another context's store.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const domainFiles = readdirSync(join(ROOT, 'functions'))
  .map((ctx) => join(ROOT, 'functions', ctx, 'domain'))
  .filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap(files);

const FORBIDDEN: [RegExp, string][] = [
  [/from ['"]@aws-sdk\//, 'imports the AWS SDK'],
  [/from ['"]@aws-lambda-powertools\//, 'imports Powertools'],
  [/process\.env/, 'reads the environment'],
  [/Date\.now\(\)|new Date\(\)/, 'reads the wall clock'],
  [/Math\.random\(\)/, 'uses unseeded randomness'],
  [/from ['"][^'"]*\/(store|adapters|handlers)\//, 'imports a store, adapter or handler'],
  [/from ['"][^'"]*\/runtime\.ts['"]/, 'imports the runtime'],
];

describe('domain code is pure', () => {
  it('there is domain code to check', () => {
    expect(domainFiles.length).toBeGreaterThan(0);
  });
  it.each(domainFiles.map((f) => [relative(ROOT, f), f]))('%s', (_rel, file) => {
    const src = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
    const broken = FORBIDDEN.filter(([rx]) => rx.test(src)).map(([, why]) => why);
    expect(broken).toEqual([]);
  });
});

describe('Lambda code imports zod as a namespace', () => {
  // `import { z } from 'zod'` makes esbuild keep all of zod's locales (≈355 KB per bundle;
  // docs/performance.md); `import * as z from 'zod'` is the same API without them.
  const lambdaFiles = [...files(join(ROOT, 'functions')), ...files(join(ROOT, 'events'))];
  it.each(lambdaFiles.map((f) => [relative(ROOT, f), f]))('%s', (_rel, file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/import\s+(type\s+)?\{[^}]*\bz\b[^}]*\}\s+from\s+['"]zod['"]/);
  });
});

describe('Lambda code carries no secp256k1 arithmetic it does not run', () => {
  // Signing in Lambda is KMS; the key-file signer is registered by the local stack and
  // verification is for clients. Keeping them out of functions/' import graph keeps
  // @noble/curves out of every bundle (docs/performance.md).
  const lambdaFiles = files(join(ROOT, 'functions')).map((f) => relative(ROOT, f));
  const ALLOWED = ['functions/jobs/signing/local-signer.ts', 'functions/jobs/domain/verify.ts'];
  it('only the key-file signer and the verifier import @noble/curves', () => {
    const importers = lambdaFiles.filter((f) => /from ['"]@noble\/curves/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(importers.sort()).toEqual([...ALLOWED].sort());
  });
  it('no Lambda code imports them', () => {
    const importers = lambdaFiles.filter((f) => /from ['"][^'"]*(signing\/local-signer|domain\/verify)\.ts['"]/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(importers).toEqual([]);
  });
});
