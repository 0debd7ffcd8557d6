/** Byte helpers shared by the parsers: bounds-checked reads and constant-time comparison. */
import { MalformedEvidenceError } from './result.ts';

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Strict hex (whitespace and a 0x prefix allowed); throws MalformedEvidenceError otherwise. */
export function fromHex(text: string, what = 'hex'): Uint8Array {
  const clean = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new MalformedEvidenceError(`${what} is not hex`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** Equal length and content, in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export const isAllZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** A cursor over little-endian structures that refuses to read past the end. */
export class Reader {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}
  private need(n: number): void {
    if (n < 0 || this.offset + n > this.bytes.length) throw new MalformedEvidenceError(`${this.what} is truncated at byte ${this.offset} (needs ${n} more)`);
  }
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.bytes[this.offset]! | (this.bytes[this.offset + 1]! << 8);
    this.offset += 2;
    return v;
  }
  u24(): number {
    const lo = this.u16();
    return lo | (this.u8() << 16);
  }
  u32(): number {
    this.need(4);
    const v = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  skip(n: number): void {
    this.take(n);
  }
}
