import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../functions/platform/canonical-json.ts';

const dir = join(import.meta.dirname, '../../vectors/jcs');
const cases = readdirSync(join(dir, 'input')).filter((f) => f.endsWith('.json'));

describe('RFC 8785 canonical JSON', () => {
  it.each(cases)('matches the published vector %s byte for byte', (file) => {
    const input = JSON.parse(readFileSync(join(dir, 'input', file), 'utf8'));
    const expected = readFileSync(join(dir, 'output', file), 'utf8').replace(/\n$/, '');
    const hex = readFileSync(join(dir, 'outhex', file.replace('.json', '.txt')), 'utf8').replace(/\s+/g, '');
    const out = canonicalize(input);
    expect(out).toBe(expected);
    expect(Buffer.from(out, 'utf8').toString('hex')).toBe(hex);
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalize({ a: NaN })).toThrow(TypeError);
    expect(() => canonicalize({ a: 1n })).toThrow(/bigint/);
  });

  it('drops undefined members like JSON.stringify', () => {
    expect(canonicalize({ b: 1, a: undefined })).toBe('{"b":1}');
  });
});
