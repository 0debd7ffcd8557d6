/**
 * SHA-256 Merkle tree over a sealed artifact's records (RFC 6962 §2.1 / RFC 9162 §2.1):
 *   leaf hash  = SHA-256(0x00 ‖ record)
 *   node hash  = SHA-256(0x01 ‖ left ‖ right)
 *   MTH(n > 1) splits at k, the largest power of two below n; MTH of no leaves = SHA-256("").
 * The 0x00/0x01 prefixes keep a leaf from passing as an inner node (second-preimage). The
 * records are the 16-byte header then each sealed chunk (sealed-file.ts), so the root commits
 * to every ciphertext byte of the object. Inclusion proofs are RFC 9162 §2.1.3 audit paths.
 */
import { createHash } from 'node:crypto';

export const HASH_BYTES = 32;

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const leafHash = (record: Uint8Array): Uint8Array => sha(Uint8Array.of(0), record);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Uint8Array => sha(Uint8Array.of(1), left, right);

const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH over already-hashed leaves. */
export function rootOfLeafHashes(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(rootOfLeafHashes(leaves.slice(0, k)), rootOfLeafHashes(leaves.slice(k)));
}

export const merkleRoot = (records: readonly Uint8Array[]): Uint8Array => rootOfLeafHashes(records.map(leafHash));

/** The audit path of leaf `index` (RFC 9162 PATH(m, D[n])), nearest sibling first. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError(`leaf ${index} is not in a tree of ${leaves.length}`);
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...inclusionProof(leaves.slice(0, k), index), rootOfLeafHashes(leaves.slice(k))]
    : [...inclusionProof(leaves.slice(k), index - k), rootOfLeafHashes(leaves.slice(0, k))];
}

/** RFC 9162 §2.1.3.2: checks that `leaf` (a leaf hash) is leaf `index` of the `size`-leaf tree with `root`. */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== HASH_BYTES || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(root));
}

/** Builds a root from records as they stream by (keeps one 32-byte hash per record). */
export class MerkleBuilder {
  private readonly leaves: Uint8Array[] = [];
  private bytes = 0;
  add(record: Uint8Array): void {
    this.leaves.push(leafHash(record));
    this.bytes += record.length;
  }
  get size(): number {
    return this.bytes;
  }
  get leafHashes(): readonly Uint8Array[] {
    return this.leaves;
  }
  root(): Uint8Array {
    return rootOfLeafHashes(this.leaves);
  }
}
