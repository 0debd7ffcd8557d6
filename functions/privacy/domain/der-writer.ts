/**
 * The few DER encodings a certificate needs (X.690 §8, definite lengths only). Written here
 * for the same reason as the reader in attesters/x509/der.ts: a general X.509 library would
 * multiply the handshake function's bundle for one fixed structure. Every certificate this
 * builds is parsed back by node:crypto's X509Certificate in the tests, an independent parser.
 */

const bytes = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

export const tlv = (tag: number, content: Uint8Array): Uint8Array => bytes(Uint8Array.of(tag), length(content.length), content);
export const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, bytes(...items));
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, bytes(...items));
export const bool = (v: boolean): Uint8Array => tlv(0x01, Uint8Array.of(v ? 0xff : 0x00));
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const utf8 = (s: string): Uint8Array => tlv(0x0c, Buffer.from(s, 'utf8'));
/** BIT STRING with no unused bits (signatures, key identifiers' sources). */
export const bits = (b: Uint8Array, unused = 0): Uint8Array => tlv(0x03, bytes(Uint8Array.of(unused), b));
/** [n] EXPLICIT, constructed. */
export const explicit = (n: number, content: Uint8Array): Uint8Array => tlv(0xa0 | n, content);
/** [n] IMPLICIT on a primitive (GeneralName's dNSName [2], uniformResourceIdentifier [6], keyIdentifier [0]). */
export const implicit = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);

/** A non-negative INTEGER from big-endian bytes (leading zeros dropped, a 0x00 added when the top bit is set). */
export function uint(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? bytes(Uint8Array.of(0), v) : v);
}
export const small = (n: number): Uint8Array => uint(Uint8Array.of(n));

export function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [a! * 40 + b!];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime (years 1950-2049) or GeneralizedTime after, as RFC 5280 §4.1.2.5 requires; whole seconds, Z. */
export function time(ms: number): Uint8Array {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString(); // 2026-12-03T13:00:00.000Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, ''); // 20261203130000
  const year = Number(digits.slice(0, 4));
  return year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}
