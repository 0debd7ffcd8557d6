/**
 * The attesters' domain code is pure (the architecture test checks functions/<context>/domain;
 * ours sits one level deeper), and the one entry point turns hostile input into a verdict.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../../../functions/privacy/attesters/verify.ts';
import { FAILURE_ORDER, Findings, firstFailure } from '../../../../functions/privacy/attesters/domain/result.ts';
import { seededBytes } from './seeded.ts';
import { at } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const DOMAIN = join(ROOT, 'functions/privacy/attesters/domain');
const files = (d: string): string[] =>
  readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : n.endsWith('.ts') ? [join(d, n)] : []));

const FORBIDDEN: [RegExp, string][] = [
  [/from ['"]@aws-sdk\//, 'imports the AWS SDK'],
  [/process\.env/, 'reads the environment'],
  [/Date\.now\(\)|new Date\(\)/, 'reads the wall clock'],
  [/Math\.random\(\)/, 'uses unseeded randomness'],
  [/from ['"][^'"]*\/(store|drivers|collateral|x509)\//, 'imports an adapter or the certificate layer'],
  [/from ['"]node:fs['"]/, 'reads files'],
];

describe('attesters domain code is pure', () => {
  it.each(files(DOMAIN).map((f) => [relative(ROOT, f), f]))('%s', (_r, f) => {
    const src = readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
    expect(FORBIDDEN.filter(([rx]) => rx.test(src)).map(([, why]) => why)).toEqual([]);
  });
});

describe('failure order', () => {
  it('is the documented one', () => {
    expect(FAILURE_ORDER).toEqual([
      'malformed',
      'chain_untrusted',
      'wrong_product',
      'revoked_cert',
      'chain_expired',
      'bad_signature',
      'nonce_mismatch',
      'debug_enabled',
      'tcb_too_low',
      'measurement_mismatch',
    ]);
  });
  it('the earliest code wins whatever order the checks ran in', () => {
    const f = new Findings();
    f.fail('measurement_mismatch', 'm');
    f.fail('nonce_mismatch', 'n');
    f.fail('tcb_too_low', 't');
    expect(firstFailure(f.list)).toEqual({ code: 'nonce_mismatch', error: 'n' });
    expect(f.verdict({})).toEqual({ valid: false, code: 'nonce_mismatch', error: 'n' });
    expect(new Findings().verdict({ a: 1 })).toEqual({ valid: true, claims: { a: 1 } });
  });
});

describe('hostile input never throws and is never valid', () => {
  const { bytes, seed } = seededBytes(40 * 1184);
  const cases = Array.from({ length: 40 }, (_, i) => bytes.subarray(i * 1184, i * 1184 + ((i * 97) % 1184) + 1));
  it.each(cases.map((c, i) => [i, c] as const))(`random evidence #%i (seed ${seed})`, (_i, c) => {
    for (const kind of ['snp', 'tdx', 'nvidia'] as const) {
      const ev = kind === 'snp' ? { kind, report: c, certificates: [c] } : kind === 'tdx' ? { kind, quote: c } : { kind, report: c, certificates: [c] };
      const v = verify(ev, new Uint8Array(64), {}, at('2026-01-01T00:00:00Z'));
      expect(v.valid, `seed ${seed}`).toBe(false);
    }
  });
});
