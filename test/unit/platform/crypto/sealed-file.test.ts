import { describe, expect, it } from 'vitest';
import { seededPrng } from '../../../../functions/platform/ids.ts';
import {
  HEADER_BYTES,
  TAG_BYTES,
  SealedFileError,
  newFileKey,
  openBytes,
  openStream,
  recordsOf,
  recordStream,
  sealBytes,
  sealedSize,
  sealStream,
} from '../../../../functions/platform/crypto/sealed-file.ts';
import { merkleRoot, MerkleBuilder } from '../../../../functions/platform/crypto/merkle.ts';

const rand = (seed: number) => {
  const prng = seededPrng(seed);
  return (n: number) => Uint8Array.from({ length: n }, () => Math.floor(prng() * 256));
};

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'opened';
  } catch (e) {
    return e instanceof SealedFileError ? e.reason : `other: ${(e as Error).message}`;
  }
}

describe('sealed file (chunked AES-256-GCM)', () => {
  const random = rand(7);
  const key = newFileKey(random);
  const CS = 64;

  it('round-trips sizes around the chunk boundaries, with the size it announces', async () => {
    for (const n of [0, 1, CS - 1, CS, CS + 1, 3 * CS, 3 * CS + 17]) {
      const plain = random(n);
      const sealed = await sealBytes(plain, key, CS);
      expect(sealed.length).toBe(sealedSize(n, CS));
      expect(Buffer.from(await openBytes(sealed, key)).equals(Buffer.from(plain))).toBe(true);
    }
  });

  it('seeded random round-trip through streams split at random places', async () => {
    const r = rand(42);
    const prng = seededPrng(43);
    for (let round = 0; round < 25; round++) {
      const n = Math.floor(prng() * 2000);
      const cs = 16 + Math.floor(prng() * 300);
      const plain = r(n);
      const k = newFileKey(r);
      const pieces: Uint8Array[] = [];
      for (let off = 0; off < n; ) {
        const step = 1 + Math.floor(prng() * 200);
        pieces.push(plain.subarray(off, off + step));
        off += step;
      }
      const sealedParts: Uint8Array[] = [];
      for await (const p of sealStream(pieces, k, cs)) sealedParts.push(p);
      const sealed = Buffer.concat(sealedParts);
      // Split the ciphertext at random places too.
      const cpieces: Uint8Array[] = [];
      for (let off = 0; off < sealed.length; ) {
        const step = 1 + Math.floor(prng() * 500);
        cpieces.push(sealed.subarray(off, off + step));
        off += step;
      }
      const out: Uint8Array[] = [];
      for await (const p of openStream(cpieces, k)) out.push(p);
      expect(Buffer.concat(out).equals(Buffer.from(plain))).toBe(true);
      // The records the stream yields are the Merkle leaves, however the bytes arrive.
      const recs: Uint8Array[] = [];
      for await (const rec of recordStream(cpieces)) recs.push(rec);
      expect(Buffer.from(merkleRoot(recs)).toString('hex')).toBe(Buffer.from(merkleRoot(sealedParts)).toString('hex'));
      expect(recordsOf(sealed).length).toBe(sealedParts.length);
    }
  });

  describe('tampering fails', () => {
    const plain = random(4 * CS + 10); // 5 chunks
    const record = CS + TAG_BYTES;
    const sealedP = sealBytes(plain, key, CS);

    it('a flipped bit in any chunk', async () => {
      const sealed = await sealedP;
      for (const at of [HEADER_BYTES, HEADER_BYTES + record + 5, sealed.length - 1]) {
        const bad = Buffer.from(sealed);
        bad[at]! ^= 1;
        expect(await reason(openBytes(bad, key))).toBe('chunk_auth_failed');
      }
    });
    it('a changed header (chunk size)', async () => {
      const bad = Buffer.from(await sealedP);
      bad.writeUInt32BE(CS * 2, 8);
      expect(await reason(openBytes(bad, key))).toBe('chunk_auth_failed');
      const magic = Buffer.from(await sealedP);
      magic[0] = 0;
      expect(await reason(openBytes(magic, key))).toBe('bad_header');
    });
    it('two chunks swapped', async () => {
      const s = Buffer.from(await sealedP);
      const a = s.subarray(HEADER_BYTES, HEADER_BYTES + record);
      const b = s.subarray(HEADER_BYTES + record, HEADER_BYTES + 2 * record);
      const swapped = Buffer.concat([s.subarray(0, HEADER_BYTES), b, a, s.subarray(HEADER_BYTES + 2 * record)]);
      expect(await reason(openBytes(swapped, key))).toBe('chunk_auth_failed');
    });
    it('truncation at a chunk boundary (the new last chunk was not sealed as final)', async () => {
      const s = await sealedP;
      expect(await reason(openBytes(s.subarray(0, HEADER_BYTES + 2 * record), key))).toBe('chunk_auth_failed');
      expect(await reason(openBytes(s.subarray(0, HEADER_BYTES), key))).toBe('truncated');
      expect(await reason(openBytes(s.subarray(0, 3), key))).toBe('truncated');
    });
    it('a chunk appended or the last chunk dropped and a duplicate appended', async () => {
      const s = Buffer.from(await sealedP);
      const extra = Buffer.concat([s, s.subarray(HEADER_BYTES, HEADER_BYTES + record)]);
      expect(await reason(openBytes(extra, key))).toBe('chunk_auth_failed');
    });
    it('the wrong key', async () => {
      expect(await reason(openBytes(await sealedP, newFileKey(rand(99))))).toBe('chunk_auth_failed');
    });
    it('no plaintext is yielded for a chunk that fails', async () => {
      const bad = Buffer.from(await sealedP);
      bad[HEADER_BYTES + 2 * record + 1]! ^= 1; // third chunk
      const got: Uint8Array[] = [];
      await expect(async () => {
        for await (const p of openStream([bad], key)) got.push(p);
      }).rejects.toThrow(SealedFileError);
      expect(got.length).toBe(2);
    });
  });

  it('a streaming MerkleBuilder matches merkleRoot and counts the object size', async () => {
    const sealed = await sealBytes(random(1000), key, CS);
    const b = new MerkleBuilder();
    for (const r of recordsOf(sealed)) b.add(r);
    expect(b.size).toBe(sealed.length);
    expect(Buffer.from(b.root()).equals(Buffer.from(merkleRoot(recordsOf(sealed))))).toBe(true);
  });
});
