/** The placement candidates, row by row (pure). */
import { describe, expect, it } from 'vitest';
import { candidates, type NodeView } from '../../../functions/providers/domain/placement.ts';

const node = (providerId: string, freeUnits: number, spot: bigint, quotable = true): [string, NodeView] => [
  providerId,
  { providerId, quotable, freeUnits, spotPriceMicro: spot },
];
const nodes = new Map([node('p-cheap', 2, 8_000_000n), node('p-dear', 4, 9_500_000n), node('p-off', 8, 1_000_000n, false)]);
const ids = (cs: { providerId: string; reason: string }[]) => cs.map((c) => `${c.providerId}:${c.reason}`);

describe('placement candidates', () => {
  it('no RC, a GPU job: online providers whose free units fit, cheapest first; offline ones never', () => {
    expect(ids(candidates([], nodes, { numGpus: 1, scmMinutes: 5 }))).toEqual(['p-cheap:spot', 'p-dear:spot']);
    expect(ids(candidates([], nodes, { numGpus: 3, scmMinutes: 5 }))).toEqual(['p-dear:spot']);
    expect(ids(candidates([], nodes, { numGpus: 9, scmMinutes: 5 }))).toEqual([]);
  });
  it('RCs in burn-down order: the first provider whose RCs cover the job comes first', () => {
    const rcs = [
      { rcId: 'rc1', providerId: 'p-dear', freeScu: 3n },
      { rcId: 'rc2', providerId: 'alpha', freeScu: 10n },
      { rcId: 'rc3', providerId: 'p-dear', freeScu: 3n },
    ];
    // p-dear holds 6 in all: it covers 5, and its first RC expires first.
    expect(ids(candidates(rcs, nodes, { numGpus: 1, scmMinutes: 5 }))).toEqual(['p-dear:rc_coverage', 'alpha:rc_coverage', 'p-cheap:spot']);
    // 8 minutes: only alpha (a catalog provider without a node: the exchange runs it) covers.
    expect(ids(candidates(rcs, nodes, { numGpus: 1, scmMinutes: 8 }))).toEqual(['alpha:rc_coverage', 'p-cheap:spot', 'p-dear:spot']);
  });
  it('an RC provider that is offline or lacks the units is skipped', () => {
    const rcs = [{ rcId: 'rc1', providerId: 'p-off', freeScu: 100n }];
    expect(ids(candidates(rcs, nodes, { numGpus: 1, scmMinutes: 5 }))).toEqual(['p-cheap:spot', 'p-dear:spot']);
    expect(ids(candidates([{ rcId: 'r', providerId: 'p-cheap', freeScu: 100n }], nodes, { numGpus: 3, scmMinutes: 5 }))).toEqual(['p-dear:spot']);
  });
  it('a CPU job no RC covers goes to the exchange pool; takes no units', () => {
    expect(candidates([], nodes, { numGpus: 0, scmMinutes: 5 })).toEqual([
      expect.objectContaining({ providerId: 'exchange', reason: 'exchange_pool', takeUnits: 0 }),
    ]);
  });
  it('units are taken only from joined providers', () => {
    const [a, b] = candidates([{ rcId: 'r', providerId: 'alpha', freeScu: 9n }], nodes, { numGpus: 2, scmMinutes: 5 });
    expect([a!.takeUnits, b!.takeUnits]).toEqual([0, 2]);
  });
});
