import { describe, expect, it } from 'vitest';
import { opStats, percentile } from '../../../bench/market/stats.ts';
import { replaceSection } from '../../../bench/support/performance-doc.ts';

describe('load harness statistics', () => {
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it('throughput counts only successes', () => {
    expect(
      opStats(
        [
          { ms: 10, ok: true },
          { ms: 30, ok: false },
          { ms: 20, ok: true },
        ],
        2,
      ),
    ).toEqual({ count: 3, ok: 2, perSec: 1, p50Ms: 20, p99Ms: 30 });
  });

  it('replaces only its own section of the performance document', () => {
    const doc = '# Performance\n\n## Ledger\n\nL\n\n## Market load harness\n\nold\n\n## Cold starts\n\nC\n';
    const out = replaceSection(doc, '## Market load harness', 'new');
    expect(out).toBe('# Performance\n\n## Ledger\n\nL\n\n## Market load harness\n\nnew\n\n## Cold starts\n\nC\n');
    expect(replaceSection('# P\n', '## Market load harness', 'x')).toBe('# P\n\n## Market load harness\n\nx\n');
  });
});
