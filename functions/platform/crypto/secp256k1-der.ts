/**
 * ECDSA signatures as KMS returns them (DER SEQUENCE of two INTEGERs) → the compact
 * 64-byte r‖s form with s normalised to the lower half of the curve order (BIP 62 low-s),
 * which is what our verifiers require.
 */

/** The order of secp256k1's group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const N = SECP256K1_N;

function readInt(buf: Uint8Array, at: number): { value: bigint; next: number } {
  if (buf[at] !== 0x02) throw new Error('DER: expected INTEGER');
  const len = buf[at + 1]!;
  if (len === 0 || len > 33 || at + 2 + len > buf.length) throw new Error('DER: bad INTEGER length');
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(buf[at + 2 + i]!);
  return { value: v, next: at + 2 + len };
}

export function derToCompactLowS(der: Uint8Array): Uint8Array {
  if (der[0] !== 0x30) throw new Error('DER: expected SEQUENCE');
  const seqLen = der[1]!;
  if (seqLen + 2 !== der.length) throw new Error('DER: SEQUENCE length does not match');
  const r = readInt(der, 2);
  const s = readInt(der, r.next);
  if (s.next !== der.length) throw new Error('DER: trailing bytes');
  if (r.value <= 0n || r.value >= N || s.value <= 0n || s.value >= N) throw new Error('DER: r or s out of range');
  const low = s.value > N / 2n ? N - s.value : s.value;
  const out = new Uint8Array(64);
  out.set(toBytes32(r.value), 0);
  out.set(toBytes32(low), 32);
  return out;
}

function toBytes32(v: bigint): Uint8Array {
  const hex = v.toString(16).padStart(64, '0');
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** The EC point of a DER SubjectPublicKeyInfo (KMS GetPublicKey): the trailing 65 bytes, uncompressed. */
export function spkiToPoint(spki: Uint8Array): Uint8Array {
  const point = spki.slice(-65);
  if (point[0] !== 0x04) throw new Error('SubjectPublicKeyInfo does not end in an uncompressed secp256k1 point');
  return point;
}

/** SEC1 compression of an uncompressed point (0x04 ‖ x ‖ y → 0x02|0x03 ‖ x, by the parity of y). */
export function compressPoint(uncompressed: Uint8Array): Uint8Array {
  if (uncompressed.length !== 65 || uncompressed[0] !== 0x04) throw new Error('not an uncompressed SEC1 point');
  const out = new Uint8Array(33);
  out[0] = (uncompressed[64]! & 1) === 0 ? 0x02 : 0x03;
  out.set(uncompressed.subarray(1, 33), 1);
  return out;
}
