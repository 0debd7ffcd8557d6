/**
 * Sealed files on disk, streamed (no whole file in memory): what the buyer's CLI and the job's
 * sidecar both do. Opening writes to a temporary name beside the target and renames it only
 * when every chunk authenticated and the Merkle root matched; on any failure the partial
 * plaintext is overwritten with zeros and removed, so no partial plaintext stays on disk.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { MerkleBuilder } from './merkle.ts';
import { DEFAULT_CHUNK_SIZE, openStream, recordStream, sealStream } from './sealed-file.ts';

async function write(out: Writable, bytes: Uint8Array): Promise<void> {
  if (!out.write(bytes)) await once(out, 'drain');
}

async function finish(out: Writable): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/** Seals `src` into `dest`; returns the sealed size and Merkle root (hex). */
export async function sealFile(src: string, dest: string, key: Uint8Array, chunkSize = DEFAULT_CHUNK_SIZE): Promise<{ size: number; merkleRoot: string }> {
  const out = createWriteStream(dest, { mode: 0o600 });
  const tree = new MerkleBuilder();
  try {
    for await (const record of sealStream(createReadStream(src, { highWaterMark: chunkSize }), key, chunkSize)) {
      tree.add(record);
      await write(out, record);
    }
    await finish(out);
  } catch (e) {
    out.destroy();
    await rm(dest, { force: true });
    throw e;
  }
  return { size: tree.size, merkleRoot: Buffer.from(tree.root()).toString('hex') };
}

/** The sealed size and Merkle root of a sealed file (no key needed). */
export async function rootOfSealedFile(path: string): Promise<{ size: number; merkleRoot: string }> {
  const tree = new MerkleBuilder();
  for await (const record of recordStream(createReadStream(path, { highWaterMark: 1 << 20 }))) tree.add(record);
  return { size: tree.size, merkleRoot: Buffer.from(tree.root()).toString('hex') };
}

export class RootMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Merkle root mismatch: expected ${expected}, the ciphertext has ${actual}`);
    this.name = 'RootMismatchError';
  }
}

/** Overwrites a file with zeros (best effort on journaling and overlay filesystems), then removes it. */
export async function wipeFile(path: string): Promise<void> {
  try {
    const { size } = await stat(path);
    const fh = await open(path, 'r+');
    try {
      const zeros = Buffer.alloc(Math.min(size, 1 << 20));
      for (let off = 0; off < size; off += zeros.length) await fh.write(zeros, 0, Math.min(zeros.length, size - off), off);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Nothing there to wipe.
  }
  await rm(path, { force: true });
}

/**
 * Opens the sealed bytes of `source` into `dest`. With `expectedRoot` the ciphertext's
 * Merkle root must equal it (checked before the rename). Throws SealedFileError or
 * RootMismatchError; `dest` then does not exist.
 */
export async function openToFile(
  source: AsyncIterable<Uint8Array>,
  dest: string,
  key: Uint8Array,
  expectedRoot?: string,
): Promise<{ size: number; merkleRoot: string }> {
  const tmp = `${dest}.partial`;
  const out = createWriteStream(tmp, { mode: 0o600 });
  const tree = new MerkleBuilder();
  // The ciphertext's records feed both the root and decryption.
  async function* tee(): AsyncGenerator<Uint8Array> {
    for await (const r of recordStream(source)) {
      tree.add(r);
      yield r;
    }
  }
  try {
    for await (const plain of openStream(tee(), key)) await write(out, plain);
    await finish(out);
    const merkleRoot = Buffer.from(tree.root()).toString('hex');
    if (expectedRoot !== undefined && merkleRoot !== expectedRoot) throw new RootMismatchError(expectedRoot, merkleRoot);
    await rename(tmp, dest);
    return { size: tree.size, merkleRoot };
  } catch (e) {
    out.destroy();
    await wipeFile(tmp);
    throw e;
  }
}

/** A response body (fetch) as an async iterable of bytes. */
export async function* bodyBytes(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
}
