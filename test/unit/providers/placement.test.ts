/** The placement candidates, row by row (pure). */
import { describe, expect, it } from 'vitest';
import { candidates, unplacedReason, type NodeView } from '../../../functions/providers/domain/placement.ts';
import { covers, hardwareNeeds, PROOF_VALID_MS, validKinds, type HardwareKind } from '../../../functions/providers/domain/evidence.ts';

const node = (providerId: string, freeUnits: number, spot: bigint, quotable = true, proven: HardwareKind[] = []): [string, NodeView] => [
  providerId,
  { providerId, quotable, freeUnits, spotPriceMicro: spot, proven: new Set(proven) },
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
  describe('a job that requires hardware evidence', () => {
    const proving = new Map([
      node('p-snp', 4, 8_000_000n, true, ['snp']),
      node('p-both', 4, 9_000_000n, true, ['snp', 'nvidia']),
      node('p-none', 8, 1_000_000n),
      node('p-snp-off', 8, 1_000_000n, false, ['snp']),
    ]);
    it('goes only to online providers that proved every hardware kind it requires', () => {
      expect(ids(candidates([], proving, { numGpus: 1, scmMinutes: 5, attesters: ['snp'] }))).toEqual(['p-snp:spot', 'p-both:spot']);
      expect(ids(candidates([], proving, { numGpus: 1, scmMinutes: 5, attesters: ['snp', 'nvidia'] }))).toEqual(['p-both:spot']);
      expect(ids(candidates([], proving, { numGpus: 1, scmMinutes: 5, attesters: ['tdx'] }))).toEqual([]);
    });
    it('development evidence needs no proof: placed as any job', () => {
      expect(ids(candidates([], proving, { numGpus: 1, scmMinutes: 5, attesters: ['development'] }))).toEqual(['p-none:spot', 'p-snp:spot', 'p-both:spot']);
    });
    it("skips the buyer's RC provider that has not proven it, and catalog providers without a node (they prove nothing)", () => {
      const rcs = [
        { rcId: 'rc1', providerId: 'p-none', freeScu: 100n },
        { rcId: 'rc2', providerId: 'alpha', freeScu: 100n },
        { rcId: 'rc3', providerId: 'p-both', freeScu: 100n },
      ];
      expect(ids(candidates(rcs, proving, { numGpus: 1, scmMinutes: 5, attesters: ['snp'] }))).toEqual(['p-both:rc_coverage', 'p-snp:spot']);
    });
    it('a CPU job that requires hardware never goes to the exchange pool, and the reason names the kinds', () => {
      expect(candidates([], proving, { numGpus: 0, scmMinutes: 5, attesters: ['tdx'] })).toEqual([]);
      expect(unplacedReason({ numGpus: 0, scmMinutes: 5, attesters: ['tdx', 'snp', 'development'] })).toMatch(/proven snp and tdx evidence/);
    });
    it('proofs count for a day; needs are the hardware kinds only, once each', () => {
      const at = 1_000_000_000;
      const proven = { snp: { at: '', atMs: at, claimsDigest: 'x' }, tdx: { at: '', atMs: at - PROOF_VALID_MS, claimsDigest: 'y' } };
      expect([...validKinds(proven, at + 1)]).toEqual(['snp']);
      expect([...validKinds(proven, at + PROOF_VALID_MS)]).toEqual([]);
      // A proof dated after the clock (a clock gone back) does not count; the older one is still inside its day.
      expect([...validKinds(proven, at - 1)]).toEqual(['tdx']);
      expect(hardwareNeeds(['nvidia', 'development', 'snp', 'snp'])).toEqual(['nvidia', 'snp']);
      expect(covers(new Set(['snp']), [])).toBe(true);
    });
  });
});
