/** The little DER walking the CRL check needs: the children of a SEQUENCE, with their exact bytes. */
import { MalformedEvidenceError } from '../domain/result.ts';

export interface DerNode {
  tag: number;
  /** The whole TLV. */
  raw: Uint8Array;
  /** The contents. */
  value: Uint8Array;
}

export function readTlv(b: Uint8Array, at: number): DerNode {
  if (at + 2 > b.length) throw new MalformedEvidenceError('DER is truncated');
  const tag = b[at]!;
  let len = b[at + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > b.length) throw new MalformedEvidenceError('DER length is not definite');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i]!;
    head = 2 + n;
  }
  if (at + head + len > b.length) throw new MalformedEvidenceError('DER is truncated');
  return { tag, raw: b.subarray(at, at + head + len), value: b.subarray(at + head, at + head + len) };
}

/** The children of a constructed node. */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let at = 0;
  while (at < node.value.length) {
    const c = readTlv(node.value, at);
    out.push(c);
    at += c.raw.length;
  }
  return out;
}
