import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'functions/market/domain';

describe('market domain purity', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  it.each(files)('%s imports no AWS SDK, reads no environment and no wall clock', (f) => {
    const src = readFileSync(join(DIR, f), 'utf8');
    expect(src).not.toMatch(/@aws-sdk|aws-lambda|process\.env|Date\.now\(|new Date\(|Math\.random/);
    for (const m of src.matchAll(/from '([^']+)'/g)) expect(m[1]).toMatch(/^\.\/|^\.\.\/\.\.\/platform\/money\.ts$|^zod$/);
  });
});
