import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'functions/ledger/domain';

describe('ledger domain purity', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  it('has files to check', () => expect(files.length).toBeGreaterThan(2));
  it.each(files)('%s uses no AWS SDK, environment or wall clock', (f) => {
    const src = readFileSync(join(DIR, f), 'utf8');
    expect(src).not.toMatch(/@aws-sdk|process\.env|Date\.now\(|new Date\(|Math\.random/);
    expect(src).not.toMatch(/from '\.\.\/(store|handlers)\//);
  });
});
