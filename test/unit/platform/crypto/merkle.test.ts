import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash, merkleRoot, nodeHash, rootOfLeafHashes, verifyInclusion } from '../../../../functions/platform/crypto/merkle.ts';

const sha = (...p: Buffer[]) => createHash('sha256').update(Buffer.concat(p)).digest();
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('Merkle tree (RFC 6962 hashing)', () => {
  it('hashes leaves with 0x00 and nodes with 0x01, and the empty tree is SHA-256 of nothing', () => {
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    expect(hex(leafHash(a))).toBe(hex(sha(Buffer.of(0), a)));
    expect(hex(merkleRoot([a, b]))).toBe(hex(sha(Buffer.of(1), sha(Buffer.of(0), a), sha(Buffer.of(0), b))));
    expect(hex(merkleRoot([]))).toBe(hex(sha()));
    expect(hex(merkleRoot([a]))).toBe(hex(leafHash(a)));
  });

  it('matches the RFC 6962 reference root of the certificate-transparency test vectors', () => {
    // From google/certificate-transparency's merkle_tree_test (RFC 6962 test data): 8 leaves.
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    expect(hex(merkleRoot(leaves))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    expect(hex(merkleRoot(leaves.slice(0, 3)))).toBe('aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77');
    expect(hex(merkleRoot(leaves.slice(0, 5)))).toBe('4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4');
  });

  it('the odd split: the left subtree is the largest power of two', () => {
    const l = [1, 2, 3].map((i) => leafHash(Buffer.of(i)));
    expect(hex(rootOfLeafHashes(l))).toBe(hex(nodeHash(nodeHash(l[0]!, l[1]!), l[2]!)));
  });

  it('every leaf of trees of 1..20 leaves has a proof that verifies, and only for its index, leaf and root', () => {
    for (let n = 1; n <= 20; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`chunk ${i}`)));
      const root = rootOfLeafHashes(leaves);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(leaves, i);
        expect(verifyInclusion(leaves[i]!, i, n, proof, root)).toBe(true);
        expect(verifyInclusion(leafHash(Buffer.from('other')), i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % n, n, proof, root)).toBe(false);
        const wrongRoot = Buffer.from(root);
        wrongRoot[0]! ^= 1;
        expect(verifyInclusion(leaves[i]!, i, n, proof, wrongRoot)).toBe(false);
        if (proof.length > 0) {
          const bent = proof.map((p) => Buffer.from(p));
          bent[0]![3]! ^= 1;
          expect(verifyInclusion(leaves[i]!, i, n, bent, root)).toBe(false);
          expect(verifyInclusion(leaves[i]!, i, n, proof.slice(1), root)).toBe(false);
        }
      }
    }
  });

  it('refuses an index outside the tree', () => {
    const leaves = [leafHash(Buffer.of(1)), leafHash(Buffer.of(2))];
    expect(() => inclusionProof(leaves, 2)).toThrow(RangeError);
    expect(verifyInclusion(leaves[0]!, 2, 2, [leaves[1]!], rootOfLeafHashes(leaves))).toBe(false);
  });
});
