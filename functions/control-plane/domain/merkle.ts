/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proofs, written by hand (DEPENDENCIES §9):
 *   leaf  = SHA-256(0x00 ‖ d),  node = SHA-256(0x01 ‖ left ‖ right)
 *   MTH of n > 1 leaves splits at k, the largest power of two < n; the empty tree is SHA-256("").
 * Proof generation follows RFC 6962 §2.1.1 (PATH) and §2.1.2 (SUBPROOF); verification
 * follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), which accept exactly
 * the proofs generation makes and reject a proof of any other length.
 */
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

export const leafHash = (data: Uint8Array): Hash => sha256(Uint8Array.of(0), data);
export const nodeHash = (l: Hash, r: Hash): Hash => sha256(Uint8Array.of(1), l, r);
export const EMPTY_ROOT: Hash = sha256();

const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH over leaf hashes [from, to). */
export function rootOf(leaves: readonly Hash[], from = 0, to = leaves.length): Hash {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from]!;
  const k = split(n);
  return nodeHash(rootOf(leaves, from, from + k), rootOf(leaves, from + k, to));
}

/** PATH(m, D[from:to]). */
export function inclusionProof(leaves: readonly Hash[], m: number, from = 0, to = leaves.length): Hash[] {
  const n = to - from;
  if (m < 0 || m >= n) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  if (n === 1) return [];
  const k = split(n);
  return m < k
    ? [...inclusionProof(leaves, m, from, from + k), rootOf(leaves, from + k, to)]
    : [...inclusionProof(leaves, m - k, from + k, to), rootOf(leaves, from, from + k)];
}

/** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true). */
export function consistencyProof(leaves: readonly Hash[], m: number, n = leaves.length): Hash[] {
  if (m < 1 || m > n || n > leaves.length) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const sub = (m: number, from: number, to: number, whole: boolean): Hash[] => {
    const size = to - from;
    if (m === size) return whole ? [] : [rootOf(leaves, from, to)];
    const k = split(size);
    return m <= k ? [...sub(m, from, from + k, whole), rootOf(leaves, from + k, to)] : [...sub(m - k, from + k, to, false), rootOf(leaves, from, from + k)];
  };
  return sub(m, 0, n, true);
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2. */
export function verifyConsistency(first: number, second: number, proof: readonly Hash[], firstRoot: Hash, secondRoot: Hash): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  if (proof.length === 0) return false;
  let path = [...proof];
  // a power of two: the first root itself starts the path
  if ((first & (first - 1)) === 0) path = [firstRoot, ...path];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}
