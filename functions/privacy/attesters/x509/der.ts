/**
 * The DER reading the verifiers need where node:crypto stops: certificate extensions (AMD's
 * VCEK/VLEK extensions, keyUsage) and CRLs. Hand-written on purpose: a general X.509 library
 * (@peculiar/x509 with its DI container, about 190 KB bundled) would triple the SEV-SNP
 * function's bundle for these few structures (docs/performance.md). Every read is bounded
 * and throws MalformedEvidenceError on anything unexpected.
 */
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
  if ((tag & 0x1f) === 0x1f) throw new MalformedEvidenceError('DER high tag numbers are not used here');
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

/** The one TLV that must fill `b` exactly. */
export function readOnly(b: Uint8Array): DerNode {
  const n = readTlv(b, 0);
  if (n.raw.length !== b.length) throw new MalformedEvidenceError('DER has bytes after its value');
  return n;
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

/** Dotted OID → its DER contents (for comparing against extnID). */
export function oidBytes(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return new Uint8Array(out);
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** UTCTime (YYMMDDHHMMSSZ, 50–99 → 19xx) or GeneralizedTime (YYYYMMDDHHMMSSZ) → ms. */
export function derTime(n: DerNode): number {
  const s = Buffer.from(n.value).toString('latin1');
  const m =
    n.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : n.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) throw new MalformedEvidenceError(`not a DER time: ${s}`);
  let year = Number(m[1]);
  if (n.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The extensions of a DER certificate: extnID (dotted hex of its OID bytes) → extnValue contents. */
export function certificateExtensions(der: Uint8Array): Map<string, Uint8Array> {
  const [tbs] = children(readOnly(der));
  if (!tbs || tbs.tag !== 0x30) throw new MalformedEvidenceError('certificate has no TBSCertificate');
  const out = new Map<string, Uint8Array>();
  const wrapper = children(tbs).find((c) => c.tag === 0xa3);
  if (!wrapper) return out;
  const [list] = children(wrapper);
  if (!list || list.tag !== 0x30) throw new MalformedEvidenceError('certificate extensions are not a SEQUENCE');
  for (const ext of children(list)) {
    const parts = children(ext);
    const id = parts[0];
    const value = parts[parts.length - 1];
    if (!id || id.tag !== 0x06 || !value || value.tag !== 0x04)
      throw new MalformedEvidenceError('certificate extension is not (OID, [critical], OCTET STRING)');
    out.set(hexOf(id.value), value.value);
  }
  return out;
}

/** DER encoding of one TLV (definite lengths up to 64 KB: OCSP requests). */
export function derTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const value = Buffer.concat(parts);
  const n = value.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  if (n > 0xffff) throw new RangeError('DER value too long for this encoder');
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), value]));
}
export const derSeq = (...parts: Uint8Array[]): Uint8Array => derTlv(0x30, ...parts);
export const derOid = (dotted: string): Uint8Array => derTlv(0x06, oidBytes(dotted));

/** The issuer's subject Name (DER) and subjectPublicKey bits, what an OCSP CertID hashes. */
export function nameAndKeyBits(certDer: Uint8Array): { subject: Uint8Array; keyBits: Uint8Array } {
  const [tbs] = children(readOnly(certDer));
  const f = children(tbs!);
  const o = f[0]!.tag === 0xa0 ? 1 : 0;
  const subject = f[4 + o];
  const spki = f[5 + o];
  const bits = spki ? children(spki)[1] : undefined;
  if (!subject || subject.tag !== 0x30 || !bits || bits.tag !== 0x03) throw new MalformedEvidenceError('certificate has no subject or public key');
  return { subject: subject.raw, keyBits: bits.value.subarray(1) };
}
