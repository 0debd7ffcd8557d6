/**
 * RFC 6962 hashing and proofs: the reference roots of the RFC 6962 test tree (the
 * certificate-transparency reference code's eight leaves), every proof of every tree up to
 * 40 leaves verifying, and tampered proofs, indices and sizes refused.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../../functions/control-plane/domain/merkle.ts';

const SEED = Number(process.env.FC_SEED ?? 6962);
console.log(`merkle property seed: ${SEED} (FC_SEED=<n> to replay)`);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const RFC_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  leafHash(new Uint8Array(Buffer.from(h, 'hex'))),
);
const RFC_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leaves = (n: number): Hash[] => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`leaf-${i}`)));
const flip = (h: Hash): Hash => {
  const c = new Uint8Array(h);
  c[0]! ^= 1;
  return c;
};

describe('RFC 6962 reference tree', () => {
  it('the empty root is SHA-256 of nothing', () => expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'));
  it.each(RFC_ROOTS.map((r, i) => [i + 1, r]))('root of the first %i leaves', (n, root) => expect(hex(rootOf(RFC_LEAVES.slice(0, n as number)))).toBe(root));
  it('the reference inclusion proof of leaf 0 in 8 and consistency 1 → 8 have the published lengths', () => {
    expect(inclusionProof(RFC_LEAVES, 0).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(consistencyProof(RFC_LEAVES, 1, 8)).toHaveLength(3);
    expect(consistencyProof(RFC_LEAVES, 4, 8)).toHaveLength(1);
    expect(consistencyProof(RFC_LEAVES, 6, 8)).toHaveLength(3);
  });
});

// A proof does not authenticate the tree size by itself (proofs for sizes n and n+1 can share
// a shape): the size comes from the signed tree head, which the verifier checks first.
describe('every proof of every small tree', () => {
  it('inclusion: all leaves of trees 1..40 verify; a wrong index or leaf, a flipped, missing or extra node does not', () => {
    for (let n = 1; n <= 40; n++) {
      const ls = leaves(n);
      const root = rootOf(ls);
      for (let m = 0; m < n; m++) {
        const p = inclusionProof(ls, m);
        expect(verifyInclusion(m, n, ls[m]!, p, root)).toBe(true);
        expect(verifyInclusion(m, n, flip(ls[m]!), p, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, ls[m]!, p, root)).toBe(false);
        for (let i = 0; i < p.length; i++)
          expect(
            verifyInclusion(
              m,
              n,
              ls[m]!,
              p.map((h, j) => (j === i ? flip(h) : h)),
              root,
            ),
          ).toBe(false);
        expect(verifyInclusion(m, n, ls[m]!, [...p, root], root)).toBe(false);
        if (p.length) expect(verifyInclusion(m, n, ls[m]!, p.slice(0, -1), root)).toBe(false);
      }
    }
  });
  it('consistency: every m ≤ n ≤ 40 verifies; a flipped, missing or extra node, or a wrong root, does not', () => {
    for (let n = 1; n <= 40; n++) {
      const ls = leaves(n);
      const root = rootOf(ls);
      for (let m = 1; m <= n; m++) {
        const old = rootOf(ls.slice(0, m));
        const p = consistencyProof(ls, m);
        expect(verifyConsistency(m, n, p, old, root)).toBe(true);
        expect(verifyConsistency(m, n, p, flip(old), root)).toBe(false);
        expect(verifyConsistency(m, n, p, old, flip(root))).toBe(false);
        for (let i = 0; i < p.length; i++)
          expect(
            verifyConsistency(
              m,
              n,
              p.map((h, j) => (j === i ? flip(h) : h)),
              old,
              root,
            ),
          ).toBe(false);
        if (m < n) {
          expect(verifyConsistency(m, n, [...p, root], old, root)).toBe(false);
          expect(verifyConsistency(m, n, p.slice(0, -1), old, root)).toBe(false);
        }
      }
    }
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, rootOf(leaves(5)))).toBe(true);
    expect(verifyConsistency(3, 2, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
  });
  it('a log that rewrote history fails consistency (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.nat(), fc.nat(), (n, a, b) => {
        const m = 1 + (a % (n - 1));
        const ls = leaves(n);
        const forged = [...ls];
        forged[b % m] = leafHash(new TextEncoder().encode('rewritten'));
        const honestOld = rootOf(ls.slice(0, m));
        expect(verifyConsistency(m, n, consistencyProof(forged, m), honestOld, rootOf(forged))).toBe(false);
        expect(verifyConsistency(m, n, consistencyProof(ls, m), honestOld, rootOf(ls))).toBe(true);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
