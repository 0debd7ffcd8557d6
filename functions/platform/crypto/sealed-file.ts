/**
 * Chunked AES-256-GCM file encryption (format VRAF v1), the one format of every artifact's
 * ciphertext: the buyer's CLI seals inputs with it, the sidecar seals outputs with it, and
 * both open with it. Pure crypto, no I/O: callers stream bytes through it.
 *
 * Layout: a 16-byte header, then the sealed chunks.
 *   header  = "VRAF" ‖ version (1) ‖ 3 zero bytes ‖ chunkSize (u32 BE) ‖ 4 zero bytes
 *   chunk i = AES-256-GCM(key, nonce = 0x00000000 ‖ i (u64 BE), aad = header ‖ i (u64 BE) ‖ final (1 byte))
 *             = ciphertext ‖ 16-byte tag
 * Every chunk but the last holds exactly chunkSize plaintext bytes; the last holds 0..chunkSize
 * and is sealed with final = 1 (an empty file is one empty final chunk). So reordering chunks
 * (the index is in nonce and AAD), dropping the tail (the new last chunk was sealed with
 * final = 0), appending (a chunk after the final one) or changing the header (it is in every
 * AAD) fails authentication. Nonces are deterministic, which is safe only because every file
 * has a fresh key that seals nothing else: never reuse a file key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const FILE_KEY_BYTES = 32;
export const HEADER_BYTES = 16;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 1 << 20;
export const MIN_CHUNK_SIZE = 16;
export const MAX_CHUNK_SIZE = 1 << 24;
const MAGIC = [0x56, 0x52, 0x41, 0x46]; // "VRAF"
const VERSION = 1;

/** A sealed file that does not open: tampered, truncated, reordered, or the wrong key. */
export class SealedFileError extends Error {
  constructor(
    readonly reason: 'bad_header' | 'chunk_auth_failed' | 'truncated',
    detail: string,
  ) {
    super(detail);
    this.name = 'SealedFileError';
  }
}

/** A fresh file key (32 random bytes); `random` is for seeded tests. */
export function newFileKey(random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  const k = random(FILE_KEY_BYTES);
  if (k.length !== FILE_KEY_BYTES) throw new Error('file key must be 32 bytes');
  return k;
}

export function encodeHeader(chunkSize: number): Uint8Array {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE)
    throw new RangeError(`chunk size must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}]`);
  const h = Buffer.alloc(HEADER_BYTES);
  h.set(MAGIC, 0);
  h[4] = VERSION;
  h.writeUInt32BE(chunkSize, 8);
  return h;
}

export function decodeHeader(h: Uint8Array): { chunkSize: number } {
  const b = Buffer.from(h.buffer, h.byteOffset, h.byteLength);
  if (b.length < HEADER_BYTES || MAGIC.some((m, i) => b[i] !== m)) throw new SealedFileError('bad_header', 'not a sealed artifact (bad magic)');
  if (b[4] !== VERSION) throw new SealedFileError('bad_header', `unknown sealed-file version ${b[4]}`);
  if (b[5] || b[6] || b[7] || b.readUInt32BE(12) !== 0) throw new SealedFileError('bad_header', 'reserved header bytes are not zero');
  const chunkSize = b.readUInt32BE(8);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new SealedFileError('bad_header', `chunk size ${chunkSize} out of range`);
  return { chunkSize };
}

function nonceOf(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function aadOf(header: Uint8Array, index: number, final: boolean): Buffer {
  const a = Buffer.alloc(HEADER_BYTES + 9);
  a.set(header, 0);
  a.writeBigUInt64BE(BigInt(index), HEADER_BYTES);
  a[HEADER_BYTES + 8] = final ? 1 : 0;
  return a;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== FILE_KEY_BYTES) throw new RangeError('file key must be 32 bytes');
}

export function sealChunk(key: Uint8Array, header: Uint8Array, index: number, final: boolean, plain: Uint8Array): Uint8Array {
  checkKey(key);
  const c = createCipheriv('aes-256-gcm', key, nonceOf(index));
  c.setAAD(aadOf(header, index, final));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

export function openChunk(key: Uint8Array, header: Uint8Array, index: number, final: boolean, sealed: Uint8Array): Uint8Array {
  checkKey(key);
  if (sealed.length < TAG_BYTES) throw new SealedFileError('truncated', `chunk ${index} is shorter than its tag`);
  const d = createDecipheriv('aes-256-gcm', key, nonceOf(index));
  d.setAAD(aadOf(header, index, final));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const out = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    d.final();
  } catch {
    out.fill(0);
    throw new SealedFileError('chunk_auth_failed', `chunk ${index} failed authentication (tampered, reordered, truncated or wrong key)`);
  }
  return out;
}

/** The sealed size of a plaintext of `plainSize` bytes. */
export function sealedSize(plainSize: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  const chunks = Math.max(1, Math.ceil(plainSize / chunkSize));
  return HEADER_BYTES + plainSize + chunks * TAG_BYTES;
}

/**
 * Bytes arriving in pieces (a file's reads, a response body's chunks), taken out in records:
 * a record inside one piece is a view of it, one across pieces is copied once. Concatenating
 * every piece onto what is pending would copy each byte once per piece of its record.
 */
class ByteQueue {
  private readonly pieces: Uint8Array[] = [];
  /** Offset into pieces[0]. */
  private head = 0;
  length = 0;

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.length += piece.length;
  }

  /** The next `n` bytes (n ≤ length). */
  take(n: number): Buffer {
    const first = this.pieces[0];
    let out: Buffer;
    if (first && first.length - this.head >= n) {
      out = Buffer.from(first.buffer, first.byteOffset + this.head, n);
      this.advance(n);
    } else {
      out = Buffer.allocUnsafe(n);
      for (let off = 0; off < n; ) {
        const p = this.pieces[0]!;
        const k = Math.min(p.length - this.head, n - off);
        out.set(p.subarray(this.head, this.head + k), off);
        off += k;
        this.advance(k);
      }
    }
    this.length -= n;
    return out;
  }

  private advance(k: number): void {
    this.head += k;
    if (this.head === this.pieces[0]!.length) {
      this.pieces.shift();
      this.head = 0;
    }
  }
}

/** Re-chunks a byte stream into pieces of exactly `size` bytes (the last may be shorter or empty). */
async function* rechunk(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, size: number): AsyncGenerator<{ bytes: Uint8Array; last: boolean }> {
  const q = new ByteQueue();
  let ready: Buffer | undefined;
  for await (const piece of source) {
    q.push(piece);
    while (q.length >= size) {
      if (ready) yield { bytes: ready, last: false };
      ready = q.take(size);
    }
  }
  if (q.length > 0) {
    if (ready) yield { bytes: ready, last: false };
    yield { bytes: q.take(q.length), last: true };
  } else if (ready) yield { bytes: ready, last: true };
  else yield { bytes: Buffer.alloc(0), last: true };
}

/** Seals a plaintext stream: yields the header, then each sealed chunk (one Merkle leaf each). */
export async function* sealStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  key: Uint8Array,
  chunkSize = DEFAULT_CHUNK_SIZE,
): AsyncGenerator<Uint8Array> {
  const header = encodeHeader(chunkSize);
  checkKey(key);
  yield header;
  let i = 0;
  for await (const { bytes, last } of rechunk(source, chunkSize)) yield sealChunk(key, header, i++, last, bytes);
}

/**
 * Opens a sealed stream: yields plaintext chunk by chunk, each only after it authenticated.
 * A caller writing to disk must still treat the file as untrusted until the generator ends
 * without throwing (a later chunk may fail): write to a temporary name and rename at the end.
 */
export async function* openStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, key: Uint8Array): AsyncGenerator<Uint8Array> {
  checkKey(key);
  const q = new ByteQueue();
  let header: Uint8Array | undefined;
  let record = 0;
  let index = 0;
  for await (const piece of source) {
    q.push(piece);
    if (!header) {
      if (q.length < HEADER_BYTES) continue;
      header = Buffer.from(q.take(HEADER_BYTES));
      record = decodeHeader(header).chunkSize + TAG_BYTES;
    }
    // Keep one full record back: only the stream's end says which chunk is the final one.
    while (q.length > record) yield openChunk(key, header, index++, false, q.take(record));
  }
  if (!header) throw new SealedFileError('truncated', 'shorter than the sealed-file header');
  if (q.length < TAG_BYTES) throw new SealedFileError('truncated', 'the final chunk is missing');
  yield openChunk(key, header, index, true, q.take(q.length));
}

async function collect(gen: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of gen) parts.push(p);
  return Buffer.concat(parts);
}

/** Seals a whole buffer (small files, tests). */
export const sealBytes = (plain: Uint8Array, key: Uint8Array, chunkSize = DEFAULT_CHUNK_SIZE): Promise<Uint8Array> =>
  collect(sealStream([plain], key, chunkSize));

/** Opens a whole buffer (small files, tests); throws SealedFileError on any tampering. */
export const openBytes = (sealed: Uint8Array, key: Uint8Array): Promise<Uint8Array> => collect(openStream([sealed], key));

/**
 * The records of a sealed file, its Merkle leaves: the header, then each sealed chunk
 * (without decrypting; only the header is checked).
 */
export function recordsOf(sealed: Uint8Array): Uint8Array[] {
  if (sealed.length < HEADER_BYTES) throw new SealedFileError('truncated', 'shorter than the sealed-file header');
  const header = sealed.subarray(0, HEADER_BYTES);
  const record = decodeHeader(header).chunkSize + TAG_BYTES;
  const out: Uint8Array[] = [header];
  for (let off = HEADER_BYTES; off < sealed.length; off += record) out.push(sealed.subarray(off, Math.min(off + record, sealed.length)));
  if (out.length === 1) throw new SealedFileError('truncated', 'the final chunk is missing');
  return out;
}

/** Splits a sealed byte stream into its records (header, then chunks), for streaming Merkle roots. */
export async function* recordStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const q = new ByteQueue();
  let record = 0;
  let chunks = 0;
  for await (const piece of source) {
    q.push(piece);
    if (!record) {
      if (q.length < HEADER_BYTES) continue;
      const header = Buffer.from(q.take(HEADER_BYTES));
      record = decodeHeader(header).chunkSize + TAG_BYTES;
      yield header;
    }
    while (q.length > record) {
      yield q.take(record);
      chunks++;
    }
  }
  if (!record) throw new SealedFileError('truncated', 'shorter than the sealed-file header');
  if (q.length === 0 && chunks === 0) throw new SealedFileError('truncated', 'the final chunk is missing');
  if (q.length > 0) yield q.take(q.length);
}
